import { randomUUID } from 'node:crypto';
import type { KeyInput } from '../protocol/keys.js';
import { sealNotification } from '../protocol/notification-envelope.js';
import { unixSeconds } from '../protocol/unix-seconds.js';
import { signResponse } from './sign-response.js';

/** Unix seconds → RFC 3339 in China time (+08:00), the form WeChat Pay uses for `create_time`. */
export function formatChinaTime(unixSeconds: number): string {
  const shifted = new Date((unixSeconds + 8 * 3600) * 1000).toISOString().slice(0, 19);
  return `${shifted}+08:00`;
}

export interface BuildSignedNotificationInput {
  eventType: string;
  /** The plaintext resource; objects are serialised with JSON.stringify, strings are encrypted as they are. */
  resource: unknown;
  originalType: string;
  associatedData: string;
  apiV3Key: string;
  privateKey: KeyInput;
  serial: string;
  /** Defaults to a random UUID. */
  id?: string | undefined;
  summary?: string | undefined;
  /** Defaults to `timestamp` in +08:00. */
  createTime?: string | undefined;
  /** Unix seconds of the signature; defaults to now. */
  timestamp?: number | undefined;
  /** The signature nonce (`Wechatpay-Nonce`). */
  nonce?: string | undefined;
  /** The GCM nonce (`resource.nonce`). */
  resourceNonce?: string | undefined;
  signatureProbe?: boolean | undefined;
}

/** A notification as WeChat Pay would POST it: the exact body string and its signed headers. */
export async function buildSignedNotification(
  input: BuildSignedNotificationInput,
): Promise<{ headers: Record<string, string>; body: string }> {
  const timestamp = input.timestamp ?? unixSeconds();
  const envelope = sealNotification({
    id: input.id ?? randomUUID(),
    createTime: input.createTime ?? formatChinaTime(timestamp),
    eventType: input.eventType,
    summary: input.summary ?? '',
    originalType: input.originalType,
    associatedData: input.associatedData,
    resource: input.resource,
    apiV3Key: input.apiV3Key,
    nonce: input.resourceNonce,
  });
  const body = JSON.stringify(envelope);
  const signed = await signResponse({
    body,
    privateKey: input.privateKey,
    serial: input.serial,
    timestamp,
    nonce: input.nonce,
    signatureProbe: input.signatureProbe,
  });
  return { headers: { 'Content-Type': 'application/json', ...signed }, body };
}
