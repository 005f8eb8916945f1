import { WechatPayDecryptError } from '../errors/wechat-pay-decrypt-error.js';
import { AEAD_AES_256_GCM, decryptAeadAes256Gcm, encryptAeadAes256Gcm } from './aead-aes-256-gcm.js';
import type { HeadersLike } from './headers.js';
import { generateNonce } from './nonce.js';
import type { PlatformKeyring } from './platform-keyring.js';
import type { MessageBody } from './sign-message.js';
import { verifySignedMessage } from './verify-response.js';

/** The body WeChat Pay POSTs to a `notify_url` (spec §5.1); field names as WeChat spells them. */
export interface NotificationEnvelope {
  id: string;
  create_time: string;
  resource_type: string;
  event_type: string;
  summary?: string;
  resource: {
    original_type?: string;
    algorithm: string;
    ciphertext: string;
    associated_data?: string;
    nonce: string;
  };
}

function malformed(message: string): WechatPayDecryptError {
  return new WechatPayDecryptError('MALFORMED_INPUT', `notification body: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the envelope's shape so every later step can rely on it; names the first missing or wrong field. */
function parseEnvelope(body: MessageBody): NotificationEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch {
    throw malformed('not valid JSON');
  }
  if (!isRecord(parsed)) throw malformed('not a JSON object');
  for (const field of ['id', 'create_time', 'resource_type', 'event_type'] as const) {
    if (typeof parsed[field] !== 'string') throw malformed(`${field} is missing or not a string`);
  }
  if (parsed.summary !== undefined && typeof parsed.summary !== 'string')
    throw malformed('summary is not a string');
  const resource = parsed.resource;
  if (!isRecord(resource)) throw malformed('resource is missing or not an object');
  for (const field of ['algorithm', 'ciphertext', 'nonce'] as const) {
    if (typeof resource[field] !== 'string') throw malformed(`resource.${field} is missing or not a string`);
  }
  for (const field of ['associated_data', 'original_type'] as const) {
    if (resource[field] !== undefined && typeof resource[field] !== 'string') {
      throw malformed(`resource.${field} is not a string`);
    }
  }
  return parsed as unknown as NotificationEnvelope;
}

export interface OpenNotificationInput {
  headers: HeadersLike;
  /** The raw request body exactly as received. */
  body: MessageBody;
  keyring: PlatformKeyring;
  apiV3Key: string;
  /** Current time, Unix seconds. */
  now: number;
  maxSkewSeconds?: number;
}

/** Verify the signature over the raw body, then parse the envelope, then decrypt and parse `resource`. */
export async function openNotification(
  input: OpenNotificationInput,
): Promise<{ envelope: NotificationEnvelope; resource: unknown }> {
  await verifySignedMessage(input);
  const envelope = parseEnvelope(input.body);
  const { algorithm, ciphertext, nonce, associated_data } = envelope.resource;
  if (algorithm !== AEAD_AES_256_GCM) {
    throw new WechatPayDecryptError(
      'UNSUPPORTED_ALGORITHM',
      `resource.algorithm ${algorithm} is not supported; only ${AEAD_AES_256_GCM}`,
    );
  }
  const plaintext = decryptAeadAes256Gcm({
    apiV3Key: input.apiV3Key,
    nonce,
    associatedData: associated_data,
    ciphertext,
  });
  try {
    return { envelope, resource: JSON.parse(plaintext) };
  } catch (error) {
    throw new WechatPayDecryptError(
      'INVALID_JSON',
      'the decrypted notification resource is not valid JSON',
      error,
    );
  }
}

export interface SealNotificationInput {
  id: string;
  /** RFC 3339, e.g. `2015-05-20T13:29:35+08:00`. */
  createTime: string;
  eventType: string;
  summary: string;
  originalType: string;
  associatedData: string;
  /** The plaintext resource; objects are serialised with JSON.stringify, strings are used as they are. */
  resource: unknown;
  apiV3Key: string;
  /** 12 characters; defaults to a random `[0-9A-Za-z]{12}`. */
  nonce?: string | undefined;
}

/** Builds a notification envelope the way WeChat Pay does (spec §5.1). Serialise it once and sign those bytes. */
export function sealNotification(input: SealNotificationInput): NotificationEnvelope {
  const nonce = input.nonce ?? generateNonce(12);
  const plaintext = typeof input.resource === 'string' ? input.resource : JSON.stringify(input.resource);
  const ciphertext = encryptAeadAes256Gcm({
    apiV3Key: input.apiV3Key,
    nonce,
    associatedData: input.associatedData,
    plaintext,
  });
  return {
    id: input.id,
    create_time: input.createTime,
    resource_type: 'encrypt-resource',
    event_type: input.eventType,
    summary: input.summary,
    resource: {
      original_type: input.originalType,
      algorithm: AEAD_AES_256_GCM,
      ciphertext,
      associated_data: input.associatedData,
      nonce,
    },
  };
}
