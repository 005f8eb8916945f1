import { formatTime } from '@wxpay-kit/emulator';
import { WechatPaySignatureError } from '@wxpay-kit/sdk';
import { RETRY_SCHEDULE_TRANSFER } from '@wxpay-kit/sdk/catalogue';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type E2eHarness, startE2e } from './support/e2e-harness.js';
import type { Delivery } from './support/notification-receiver.js';
import {
  controlOk,
  DAY,
  mark,
  type NotificationView,
  notificationLog,
  outboxFor,
  START,
  uniqueNo,
} from './support-a/e2e-kit.js';

// Delivery of MCHTRANSFER.* notifications on the virtual clock: the documented retry schedule (at once, then
// 15 s × 10, 300 s × 10, 1800 s × 44), the attempt log, redelivery and signature probes. An authorization the
// user confirms is the cheapest thing that notifies.

let h: E2eHarness;
let mchid: string;

beforeAll(async () => {
  h = await startE2e({ clock: { mode: 'manual', start: START } });
  mchid = h.emulator.merchants.ordinary.mchid;
});

afterAll(async () => {
  await h?.close();
});

// Each test starts with an empty outbox, so nothing pending from an earlier test consumes its receiver failures.
beforeEach(async () => {
  await controlOk(h, 'POST', '/reset');
  await controlOk(h, 'POST', '/settings', { probe: false });
});

/**
 * Applies for an authorization and has the user confirm it: one CONFIRMED notification is queued, due now (the
 * emulator makes the first attempt right after; `advance(0)` waits for it). `beforeConfirm` runs between the two,
 * after the last SDK call. Returns the outbox entry.
 */
async function queueConfirmed(
  beforeConfirm?: () => Promise<unknown>,
  notifyUrl = h.receiver.url('ordinary'),
): Promise<{ no: string; notification: NotificationView; queuedAt: number }> {
  const no = uniqueNo('ntf');
  await h.sdk.ordinary.authorizations.apply({
    out_authorization_no: no,
    appid: h.emulator.merchants.ordinary.appid,
    openid: `o-${uniqueNo('user')}`,
    transfer_scene_id: '1005',
    user_display_name: '张*',
    authorization_notify_url: notifyUrl,
  });
  await beforeConfirm?.();
  await controlOk(h, 'POST', `/authorizations/${mchid}/${no}/confirm`);
  const [notification, ...others] = await outboxFor(h, no);
  expect(others).toEqual([]);
  if (!notification) throw new Error(`confirming ${no} queued no notification`);
  expect(notification).toMatchObject({ eventType: 'MCHTRANSFER.AUTHORIZATION.CONFIRMED', mchid });
  return { no, notification, queuedAt: h.emulator.clock.now() };
}

const since = (from: number): Delivery[] => h.receiver.deliveries.slice(from);
const envelopeId = (delivery: Delivery): string => JSON.parse(delivery.body.toString('utf8')).id;

describe('notification retries on the virtual clock', () => {
  it('the first attempt is made at once; each retry comes exactly 15 s after the previous one, not a second earlier; 200 ends it', async () => {
    const from = mark(h);
    h.receiver.failNext(3);
    const { notification, queuedAt } = await queueConfirmed();
    expect(notification.retrySchedule).toEqual([...RETRY_SCHEDULE_TRANSFER]);
    await h.advance(0);
    expect(since(from).map((d) => d.answeredStatus)).toEqual([500]);
    expect(await notificationLog(h, notification.id)).toMatchObject({
      state: 'pending',
      attemptsMade: 1,
      nextDueAt: queuedAt + 15_000,
    });

    for (const expected of [2, 3, 4]) {
      await h.advance(14);
      expect(since(from), `before attempt ${expected}`).toHaveLength(expected - 1);
      await h.advance(1);
      expect(since(from), `attempt ${expected}`).toHaveLength(expected);
    }
    expect(since(from).map((d) => d.answeredStatus)).toEqual([500, 500, 500, 200]);

    const log = await notificationLog(h, notification.id);
    expect(log).toMatchObject({
      state: 'delivered',
      attemptsMade: 4,
      nextDueAt: null,
      deliveredAt: queuedAt + 45_000,
    });
    expect(log.attempts.map((a) => [a.attemptNo, a.kind, a.httpStatus, a.ok, a.probe])).toEqual([
      [1, 'scheduled', 500, false, false],
      [2, 'scheduled', 500, false, false],
      [3, 'scheduled', 500, false, false],
      [4, 'scheduled', 200, true, false],
    ]);
    expect(log.attempts.map((a) => a.scheduledAt - queuedAt)).toEqual([0, 15_000, 30_000, 45_000]);
    expect(log.attempts.map((a) => a.attemptedAt - queuedAt)).toEqual([0, 15_000, 30_000, 45_000]);
    expect(new Set(log.attempts.map((a) => a.requestId)).size).toBe(4);

    // One envelope, sent byte for byte again (same id, same ciphertext); each copy verifies on its own.
    const deliveries = since(from);
    expect(new Set(deliveries.map(envelopeId))).toEqual(new Set([log.eventId]));
    for (const delivery of deliveries) expect(delivery.body.equals(deliveries[0]!.body)).toBe(true);
    const events = await Promise.all(deliveries.map((d) => h.parse(d)));
    expect(events.map((e) => e.id)).toEqual(Array(4).fill(log.eventId));
    // The envelope is dated when the event happened, not when an attempt was made.
    expect(events.map((e) => e.create_time)).toEqual(Array(4).fill(formatTime(queuedAt)));
    expect(new Set(deliveries.map((d) => d.headers['wechatpay-nonce'])).size).toBe(4);
    expect(deliveries[3]?.headers['request-id']).toBe(log.attempts[3]?.requestId);

    await h.advance(DAY);
    expect(since(from)).toHaveLength(4);
  });

  it('after ten 15 s retries the delay becomes 300 s, after ten more 1800 s: each exactly, not a second earlier', async () => {
    const from = mark(h);
    h.receiver.failNext(21);
    const { notification } = await queueConfirmed();
    await h.advance(0);
    const delays = RETRY_SCHEDULE_TRANSFER.slice(1, 22);
    expect(delays).toEqual([...Array(10).fill(15), ...Array(10).fill(300), 1800]);
    for (const [index, delay] of delays.entries()) {
      const attempt = index + 2;
      await h.advance(delay - 1);
      expect(since(from), `1 s before attempt ${attempt}`).toHaveLength(attempt - 1);
      await h.advance(1);
      expect(since(from), `attempt ${attempt}`).toHaveLength(attempt);
    }
    expect(since(from).at(-1)?.answeredStatus).toBe(200);
    const log = await notificationLog(h, notification.id);
    expect(log).toMatchObject({ state: 'delivered', attemptsMade: 22 });
    const gaps = log.attempts
      .slice(1)
      .map((a, i) => (a.scheduledAt - (log.attempts[i]?.scheduledAt ?? Number.NaN)) / 1000);
    expect(gaps).toEqual(delays);
  });

  it('a receiver that always fails: one big advance runs all 65 attempts in order, then the notification is failed; redelivery on demand then delivers it', async () => {
    const from = mark(h);
    h.receiver.failNext(65);
    const { no, notification, queuedAt } = await queueConfirmed();
    await h.advance(0);
    const ran = await h.advance(2 * DAY);
    expect(ran.notificationAttempts).toBe(64);
    expect(since(from)).toHaveLength(65);
    expect(since(from).every((d) => d.answeredStatus === 500)).toBe(true);

    const log = await notificationLog(h, notification.id);
    expect(log).toMatchObject({ state: 'failed', attemptsMade: 65, nextDueAt: null, deliveredAt: null });
    const offsets = log.attempts.map((a) => (a.scheduledAt - queuedAt) / 1000);
    let total = 0;
    expect(offsets).toEqual(RETRY_SCHEDULE_TRANSFER.map((delay) => (total += delay)));
    expect(offsets.at(-1)).toBe(150 + 3000 + 79_200);
    expect((await outboxFor(h, no))[0]).toMatchObject({ state: 'failed' });
    expect((await h.control('GET', '/notifications?state=failed')).body.notifications).toHaveLength(1);

    await h.advance(DAY);
    expect(since(from)).toHaveLength(65);

    // The receiver answers 200 again: a redelivery on demand is one extra, logged attempt that delivers it.
    const redelivered = await controlOk(h, 'POST', `/notifications/${notification.id}/redeliver`);
    expect(redelivered.attempt).toMatchObject({
      attemptNo: 66,
      kind: 'redeliver',
      httpStatus: 200,
      ok: true,
    });
    expect(since(from)).toHaveLength(66);
    const event = await h.parse(since(from)[65]!);
    expect(event.id).toBe(log.eventId);
    expect(event.resource).toMatchObject({ out_authorization_no: no, state: 'TAKING_EFFECT' });
    expect(await notificationLog(h, notification.id)).toMatchObject({
      state: 'delivered',
      attemptsMade: 65,
      deliveredAt: h.emulator.clock.now(),
    });
  });

  it('a redelivery of a delivered notification sends the same envelope again and leaves it delivered, even when refused', async () => {
    const from = mark(h);
    const { notification } = await queueConfirmed();
    await h.advance(0);
    expect(await notificationLog(h, notification.id)).toMatchObject({ state: 'delivered', attemptsMade: 1 });
    await h.advance(600);
    const again = await controlOk(h, 'POST', `/notifications/${notification.id}/redeliver`);
    expect(again.attempt).toMatchObject({
      attemptNo: 2,
      kind: 'redeliver',
      ok: true,
      scheduledAt: h.emulator.clock.now(),
    });
    h.receiver.failNext(1, 503);
    const refused = await controlOk(h, 'POST', `/notifications/${notification.id}/redeliver`);
    expect(refused.attempt).toMatchObject({ attemptNo: 3, kind: 'redeliver', ok: false, httpStatus: 503 });
    const deliveries = since(from);
    expect(deliveries).toHaveLength(3);
    expect(new Set(deliveries.map(envelopeId)).size).toBe(1);
    expect(await notificationLog(h, notification.id)).toMatchObject({ state: 'delivered', attemptsMade: 1 });
    await h.advance(DAY);
    expect(since(from)).toHaveLength(3);
  });

  it('a redelivery of a pending notification delivers it and ends its schedule', async () => {
    const from = mark(h);
    h.receiver.failNext(1);
    const { notification } = await queueConfirmed();
    await h.advance(5);
    expect(await notificationLog(h, notification.id)).toMatchObject({ state: 'pending', attemptsMade: 1 });
    await controlOk(h, 'POST', `/notifications/${notification.id}/redeliver`);
    expect(await notificationLog(h, notification.id)).toMatchObject({ state: 'delivered', nextDueAt: null });
    await h.advance(DAY);
    expect(since(from)).toHaveLength(2);
  });

  it('an unreachable notify URL: each attempt is logged without a status but with the connection error, and retried on schedule', async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const { notification, queuedAt } = await queueConfirmed(
      undefined,
      'http://127.0.0.1:1/wxpay/notify/ordinary',
    );
    await h.advance(0);
    const first = await notificationLog(h, notification.id);
    expect(first).toMatchObject({ state: 'pending', attemptsMade: 1, nextDueAt: queuedAt + 15_000 });
    expect(first.attempts[0]).toMatchObject({ httpStatus: null, ok: false, error: expect.any(String) });
    expect(first.attempts[0]?.error).not.toBe('');
    await h.advance(15);
    expect((await notificationLog(h, notification.id)).attempts).toHaveLength(2);
  });

  it('a redelivery of an unknown notification → 404 NOT_FOUND; a malformed id → 400', async () => {
    const missing = await h.control('POST', '/notifications/999999/redeliver');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'NOT_FOUND', message: 'no notification with id 999999' });
    const malformed = await h.control('GET', '/notifications/abc');
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toContain('positive integer');
  });
});

describe('notification signature probes', () => {
  it('with probes on, the first attempt carries a WECHATPAY/SIGNTEST/ signature the SDK rejects (BAD_SIGNATURE); the retry verifies', async () => {
    const from = mark(h);
    // A merchant that verifies refuses the probe, so WeChat Pay delivers again.
    h.receiver.failNext(1, 401);
    const { notification } = await queueConfirmed(async () => {
      const settings = await controlOk(h, 'POST', '/settings', { probe: { enabled: true, fraction: 1 } });
      expect(settings.probe).toEqual({ enabled: true, fraction: 1 });
    });
    await h.advance(0);
    // Probes would also hit the SDK's own responses; the first attempt has been made, so switch them off.
    await controlOk(h, 'POST', '/settings', { probe: false });

    const [probe] = since(from);
    expect(String(probe?.headers['wechatpay-signature'])).toMatch(/^WECHATPAY\/SIGNTEST\//);
    const rejection = await h.parse(probe!).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(rejection).toBeInstanceOf(WechatPaySignatureError);
    expect((rejection as WechatPaySignatureError).reason).toBe('BAD_SIGNATURE');

    await h.advance(15);
    const [, retry, ...more] = since(from);
    expect(more).toEqual([]);
    expect(String(retry?.headers['wechatpay-signature'])).not.toMatch(/^WECHATPAY\/SIGNTEST\//);
    const event = await h.parse(retry!);
    expect(event.id).toBe(envelopeId(probe!));
    expect(event.event_type).toBe('MCHTRANSFER.AUTHORIZATION.CONFIRMED');

    const log = await notificationLog(h, notification.id);
    expect(log.state).toBe('delivered');
    expect(log.attempts.map((a) => [a.probe, a.httpStatus])).toEqual([
      [true, 401],
      [false, 200],
    ]);
  });

  it('with probes on, a signed API answer carries a probe too, and the SDK refuses it (BAD_SIGNATURE)', async () => {
    const { no } = await queueConfirmed();
    await controlOk(h, 'POST', '/settings', { probe: { enabled: true, fraction: 1 } });
    const refused = await h.sdk.ordinary.authorizations.get({ out_authorization_no: no }).then(
      () => undefined,
      (error: unknown) => error,
    );
    await controlOk(h, 'POST', '/settings', { probe: false });
    expect(refused).toBeInstanceOf(WechatPaySignatureError);
    expect((refused as WechatPaySignatureError).reason).toBe('BAD_SIGNATURE');
    expect((await h.sdk.ordinary.authorizations.get({ out_authorization_no: no })).state).toBe(
      'TAKING_EFFECT',
    );
  });

  it('probes never touch a retry: with probes on throughout, only attempt 1 of a failing series is a probe', async () => {
    const from = mark(h);
    h.receiver.failNext(3);
    const { notification } = await queueConfirmed(() =>
      controlOk(h, 'POST', '/settings', { probe: { enabled: true, fraction: 1 } }),
    );
    await h.advance(45);
    await controlOk(h, 'POST', '/settings', { probe: false });
    const deliveries = since(from);
    expect(deliveries).toHaveLength(4);
    const verified = await Promise.allSettled(deliveries.map((d) => h.parse(d)));
    expect(verified.map((v) => v.status)).toEqual(['rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    const log = await notificationLog(h, notification.id);
    expect(log.attempts.map((a) => a.probe)).toEqual([true, false, false, false]);
  });
});
