import { type NotificationEvent, type OperationName, operations, WechatPayApiError } from '@wxpay-kit/sdk';
import { type FamilyName, notifications } from '@wxpay-kit/sdk/catalogue';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { E2eHarness } from '../support/e2e-harness.js';

/** A whole-second start instant, so RFC 3339 times in answers equal the virtual clock exactly. */
export const START = '2026-03-02T10:00:00+08:00';
export const HOUR = 3600;
export const DAY = 24 * HOUR;

let sequence = 0;

/** A fresh out-number (digits and letters, at most 32) so tests that share one emulator never collide. */
export function uniqueNo(prefix: string): string {
  sequence += 1;
  const value = `${prefix}${Date.now().toString(36)}${sequence}`;
  if (!/^[0-9A-Za-z]{1,32}$/.test(value)) throw new Error(`uniqueNo: "${value}" is not a valid out-number`);
  return value;
}

/** The WechatPayApiError a call rejects with; anything else (including success) fails the test. */
export async function apiErrorOf(call: Promise<unknown>): Promise<WechatPayApiError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof WechatPayApiError) return error;
    throw error;
  }
  throw new Error('expected the call to reject with a WechatPayApiError, but it resolved');
}

/** Epoch ms of an RFC 3339 time from an answer. */
export function ms(time: string | undefined): number {
  if (time === undefined) throw new Error('expected a time, got undefined');
  const value = Date.parse(time);
  if (Number.isNaN(value)) throw new Error(`not an RFC 3339 time: ${time}`);
  return value;
}

/** A decrypted MCHTRANSFER.* resource: the members tests read, typed; the rest as they came. */
export interface NotifiedResource {
  [field: string]: unknown;
  state?: string;
  fail_reason?: string;
  close_info?: { close_time: string; close_reason: string };
}

/** One delivery attempt as the control API reports it (notify/notification-store.ts AttemptRecord). */
export interface AttemptView {
  attemptNo: number;
  kind: 'scheduled' | 'redeliver';
  scheduledAt: number;
  attemptedAt: number;
  httpStatus: number | null;
  error: string | null;
  ok: boolean;
  probe: boolean;
  requestId: string;
}

/** An outbox entry as the control API reports it (notify/notification-store.ts NotificationRecord). */
export interface NotificationView {
  id: number;
  eventId: string;
  mchid: string;
  eventType: string;
  state: 'pending' | 'delivered' | 'failed';
  retrySchedule: number[];
  attemptsMade: number;
  nextDueAt: number | null;
  deliveredAt: number | null;
}

export interface NotificationLogView extends NotificationView {
  attempts: AttemptView[];
}

/** GET /_emulator/resources/<family>. */
export interface ResourceList {
  items: Record<string, unknown>[];
}

/** Where the receiver's log stands now: deliveries after this mark are the ones a test caused. */
export function mark(h: E2eHarness): number {
  return h.receiver.deliveries.length;
}

/**
 * Runs what is due at the current virtual instant (notifications queued by the last request are due at once),
 * then verifies and decrypts, with the SDK, every delivery after `since` whose resource names `outNo`. Other
 * tests' records may notify during a big clock advance; filtering by number keeps each test to its own.
 */
export async function eventsFor(
  h: E2eHarness,
  since: number,
  outNo: string,
): Promise<NotificationEvent<NotifiedResource>[]> {
  await h.advance(0);
  const events = await Promise.all(h.receiver.deliveries.slice(since).map((d) => h.parse(d)));
  return events.filter((event) => {
    const resource = event.resource as Record<string, unknown>;
    return resource['out_authorization_no'] === outNo || resource['out_bill_no'] === outNo;
  });
}

/** The outbox entries the emulator holds for one resource (control API), oldest first. */
export async function outboxFor(h: E2eHarness, resourceKey: string): Promise<NotificationView[]> {
  const { status, body } = await h.control(
    'GET',
    `/notifications?resourceKey=${encodeURIComponent(resourceKey)}`,
  );
  if (status !== 200) throw new Error(`GET /notifications answered ${status}: ${JSON.stringify(body)}`);
  return [...(body.notifications as NotificationView[])].sort((a, b) => a.id - b.id);
}

/** One outbox entry with its attempt log; throws unless the control API answers 200. */
export async function notificationLog(h: E2eHarness, id: number): Promise<NotificationLogView> {
  const { status, body } = await h.control('GET', `/notifications/${id}`);
  if (status !== 200) throw new Error(`GET /notifications/${id} answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

/** A control call that must succeed; its JSON body, of the shape the caller names. */
export async function controlOk<T = Record<string, unknown>>(
  h: E2eHarness,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const result = await h.control(method, path, body);
  if (result.status !== 200) {
    throw new Error(`${method} /_emulator${path} answered ${result.status}: ${JSON.stringify(result.body)}`);
  }
  return result.body;
}

function schemaErrors(schema: TSchema, value: unknown): string[] {
  return [...Value.Errors(schema, value)].map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** Where an answer (as the SDK returns it) breaks the catalogue's response schema; [] when it conforms. */
export function responseErrors(operation: OperationName, body: unknown): string[] {
  const schema = operations[operation].response;
  return schema ? schemaErrors(schema, body) : [];
}

/** Where a decrypted notification resource breaks the catalogue's NotificationSpec; [] when it conforms. */
export function resourceErrors(family: FamilyName, resource: unknown): string[] {
  const spec = (notifications as Partial<Record<FamilyName, { resource: TSchema }>>)[family];
  if (!spec) throw new Error(`the catalogue has no notification spec for ${family}`);
  return schemaErrors(spec.resource, resource);
}
