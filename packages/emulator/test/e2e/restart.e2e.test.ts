import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorClientOptions } from '@wxpay-kit/emulator';
import { type OperationInput, type OperationOutput, WechatPay } from '@wxpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eHarness, startE2e } from './support/e2e-harness.js';
import { NotificationReceiver } from './support/notification-receiver.js';
import {
  controlOk,
  DAY,
  HOUR,
  mark,
  ms,
  notificationLog,
  outboxFor,
  START,
  uniqueNo,
} from './support-a/e2e-kit.js';

// One emulator fills a data directory with records in several states, a notification still being retried and
// timers still running, and is closed; a second one started on the same directory must carry on from there.

/** ACCEPTED → PROCESSING → WAIT_USER_CONFIRM, each step after this many seconds. */
const STEP = 5;

let dataDir: string;
let receiver: NotificationReceiver;
let first: E2eHarness;
let second: E2eHarness;

interface Before {
  merchants: E2eHarness['emulator']['merchants'];
  publicKey: E2eHarness['emulator']['wechatpayPublicKey'];
  serviceProviderOptions: EmulatorClientOptions;
  clock: number;
  authorizations: Record<
    'effective' | 'closed' | 'nearDeadline' | 'pendingNotice',
    OperationOutput<'authorizations.get'>
  >;
  bills: Record<'waiting' | 'succeeded', OperationOutput<'transferBills.partnerGet'>>;
  pending: { id: number; eventId: string; nextDueAt: number; firstDelivery: number };
}

let before: Before;

function authorization(h: E2eHarness, overrides: Partial<OperationInput<'authorizations.apply'>> = {}) {
  const body: OperationInput<'authorizations.apply'> = {
    out_authorization_no: uniqueNo('rst'),
    appid: h.emulator.merchants.ordinary.appid,
    openid: `o-${uniqueNo('user')}`,
    transfer_scene_id: '1005',
    user_display_name: '张*',
    authorization_notify_url: receiver.url('ordinary'),
    ...overrides,
  };
  return h.sdk.ordinary.authorizations.apply(body).then(() => body.out_authorization_no);
}

function bill(h: E2eHarness, overrides: Partial<OperationInput<'transferBills.partnerCreate'>> = {}) {
  const body: OperationInput<'transferBills.partnerCreate'> = {
    sub_mchid: h.emulator.merchants.serviceProvider.subMchids[0]!,
    appid: h.emulator.merchants.serviceProvider.appid,
    out_bill_no: uniqueNo('rstbill'),
    transfer_scene_id: '1000',
    openid: `o-${uniqueNo('user')}`,
    transfer_amount: 2500,
    transfer_remark: '新会员开通有礼',
    notify_url: receiver.url('serviceProvider'),
    transfer_scene_report_infos: [
      { info_type: '活动名称', info_content: '新会员有礼' },
      { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
    ],
    ...overrides,
  };
  return h.sdk.serviceProvider.transferBills.partnerCreate(body).then(() => body.out_bill_no);
}

const getAuthorization = (h: E2eHarness, no: string) =>
  h.sdk.ordinary.authorizations.get({ out_authorization_no: no });
const getBill = (h: E2eHarness, no: string) =>
  h.sdk.serviceProvider.transferBills.partnerGet({
    out_bill_no: no,
    sub_mchid: h.emulator.merchants.serviceProvider.subMchids[0]!,
  });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'wxpay-e2e-restart-'));
  receiver = await new NotificationReceiver().start();
  first = await startE2e({
    dataDir,
    receiver,
    clock: { mode: 'manual', start: START },
    asyncStepMs: STEP * 1000,
  });
  const ordinary = first.emulator.merchants.ordinary.mchid;
  const sp = first.emulator.merchants.serviceProvider.mchid;

  // A timer left running: this authorization's 24 h deadline falls 1 h after the restart.
  const nearDeadline = await authorization(first);
  await first.advance(DAY - HOUR);

  const effective = await authorization(first);
  await controlOk(first, 'POST', `/authorizations/${ordinary}/${effective}/confirm`);
  const closed = await authorization(first);
  await controlOk(first, 'POST', `/authorizations/${ordinary}/${closed}/confirm`);
  await first.sdk.ordinary.authorizations.close({ out_authorization_no: closed });

  const waiting = await bill(first);
  // 2,500 CNY (with the payee's name) needs the per-transfer quota raised above its 200 CNY default.
  const payer = first.emulator.merchants.serviceProvider.subMchids[0]!;
  await controlOk(first, 'POST', `/transfer-bills/rules/${payer}`, {
    per_transfer: 250_000,
    per_user_per_day: 250_000,
  });
  const succeeded = await bill(first, { user_name: '赵六', transfer_amount: 250_000 });
  await first.advance(2 * STEP);
  await controlOk(first, 'POST', `/transfer-bills/${sp}/${succeeded}/confirm`);
  await controlOk(first, 'POST', `/transfer-bills/${sp}/${succeeded}/succeed`);

  // A notification still being retried: its first attempt is refused, the next is due 15 s later.
  const pendingNotice = await authorization(first);
  await first.advance(0);
  const firstDelivery = mark(first);
  receiver.failNext(1);
  await controlOk(first, 'POST', `/authorizations/${ordinary}/${pendingNotice}/confirm`);
  await first.advance(0);
  const [pending] = await outboxFor(first, pendingNotice);
  if (pending?.nextDueAt == null) throw new Error(`no pending notification for ${pendingNotice}`);

  before = {
    merchants: structuredClone(first.emulator.merchants),
    publicKey: { ...first.emulator.wechatpayPublicKey },
    serviceProviderOptions: first.emulator.clientOptions('serviceProvider'),
    clock: first.emulator.clock.now(),
    authorizations: {
      effective: await getAuthorization(first, effective),
      closed: await getAuthorization(first, closed),
      nearDeadline: await getAuthorization(first, nearDeadline),
      pendingNotice: await getAuthorization(first, pendingNotice),
    },
    bills: { waiting: await getBill(first, waiting), succeeded: await getBill(first, succeeded) },
    pending: { id: pending.id, eventId: pending.eventId, nextDueAt: pending.nextDueAt, firstDelivery },
  };
  expect(pending).toMatchObject({ state: 'pending', attemptsMade: 1 });
  expect(before.bills.waiting.state).toBe('WAIT_USER_CONFIRM');
  expect(before.bills.succeeded.state).toBe('SUCCESS');
  await first.close();

  // The same start instant as before, now in the past: a stored later virtual time must win over it.
  second = await startE2e({
    dataDir,
    receiver,
    clock: { mode: 'manual', start: START },
    asyncStepMs: STEP * 1000,
  });
});

afterAll(async () => {
  await second?.close();
  await first?.close();
  await receiver?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('an emulator restarted on the same dataDir', () => {
  it('keeps the credentials: mchids, certificate serials, keys, sub-merchants and the WeChat Pay public key id', async () => {
    expect(second.emulator.merchants).toEqual(before.merchants);
    expect(second.emulator.wechatpayPublicKey).toEqual(before.publicKey);
    expect(second.emulator.url).not.toBe(first.emulator.url);
    // A client configured before the restart only needs the new address.
    const old = new WechatPay({
      ...before.serviceProviderOptions,
      baseUrl: second.emulator.url,
      retry: false,
    });
    expect(
      await old.transferBills.partnerGet({
        out_bill_no: before.bills.succeeded.out_bill_no,
        sub_mchid: before.bills.succeeded.sub_mchid,
      }),
    ).toEqual(before.bills.succeeded);
  });

  it('keeps every record: authorizations.get and transferBills.partnerGet answer exactly as before', async () => {
    for (const record of Object.values(before.authorizations)) {
      expect(await getAuthorization(second, record.out_authorization_no)).toEqual(record);
    }
    for (const record of Object.values(before.bills)) {
      expect(await getBill(second, record.out_bill_no)).toEqual(record);
    }
    // user_name was stored as plaintext and is encrypted afresh for the same key.
    expect((await getBill(second, before.bills.succeeded.out_bill_no)).user_name).toBe('赵六');
    const balance = await controlOk(
      second,
      'GET',
      `/transfer-bills/balances/${before.bills.waiting.sub_mchid}`,
    );
    expect(balance).toMatchObject({ available: 100_000_000 - 2500 - 250_000, locked: 2500 });
  });

  it('the virtual clock did not go backwards (nor forwards on a manual clock)', async () => {
    expect(second.emulator.clock.now()).toBe(before.clock);
    const clock = await controlOk(second, 'GET', '/clock');
    expect(clock).toMatchObject({ mode: 'manual', now: before.clock });
    expect(before.clock).toBeGreaterThan(ms(START));
  });

  it('delivers the notification left pending once the receiver answers 200, on its original schedule', async () => {
    expect(receiver.deliveries.length).toBe(before.pending.firstDelivery + 1);
    expect(await notificationLog(second, before.pending.id)).toMatchObject({
      state: 'pending',
      eventId: before.pending.eventId,
      nextDueAt: before.pending.nextDueAt,
    });
    await second.advance((before.pending.nextDueAt - second.emulator.clock.now()) / 1000 - 1);
    expect(receiver.deliveries.length).toBe(before.pending.firstDelivery + 1);
    await second.advance(1);
    const [refused, delivered, ...more] = receiver.deliveries.slice(before.pending.firstDelivery);
    expect(more).toEqual([]);
    expect(refused?.answeredStatus).toBe(500);
    expect(delivered?.answeredStatus).toBe(200);
    const event = await second.parse(delivered!);
    expect(event.id).toBe(before.pending.eventId);
    expect(delivered?.body.equals(refused!.body)).toBe(true);
    expect(event.resource).toMatchObject({
      out_authorization_no: before.authorizations.pendingNotice.out_authorization_no,
      state: 'TAKING_EFFECT',
      authorization_id: before.authorizations.pendingNotice.authorization_id,
    });
    const log = await notificationLog(second, before.pending.id);
    expect(log).toMatchObject({ state: 'delivered', attemptsMade: 2 });
    expect(log.attempts.map((a) => a.httpStatus)).toEqual([500, 200]);
  });

  it('fires the timers scheduled before the restart once the clock passes their deadlines', async () => {
    const near = before.authorizations.nearDeadline;
    const deadline = ms(near.create_time) + DAY * 1000;
    expect(deadline).toBeGreaterThan(second.emulator.clock.now());
    await second.advance((deadline - second.emulator.clock.now()) / 1000 - 1);
    expect((await getAuthorization(second, near.out_authorization_no)).state).toBe('WAIT_USER_CONFIRM');
    await second.advance(1);
    const closed = await getAuthorization(second, near.out_authorization_no);
    expect(closed).toMatchObject({
      state: 'CLOSED',
      close_info: { close_reason: 'USER_OVERDUE_UNCONFIRMED' },
    });
    expect(ms(closed.close_info?.close_time)).toBe(deadline);

    // The waiting bill's 24 h confirm window, started before the restart, ends too and returns the funds.
    const since = mark(second);
    const waiting = before.bills.waiting;
    const billDeadline = ms(waiting.update_time) + DAY * 1000;
    await second.advance((billDeadline - second.emulator.clock.now()) / 1000);
    expect(await getBill(second, waiting.out_bill_no)).toMatchObject({
      state: 'FAIL',
      fail_reason: 'OVERDUE_CLOSE',
    });
    const events = await Promise.all(receiver.deliveries.slice(since).map((d) => second.parse(d)));
    expect(events.map((e) => [e.resource['out_bill_no'], e.resource['state']])).toEqual([
      [waiting.out_bill_no, 'FAIL'],
    ]);
    expect(await controlOk(second, 'GET', `/transfer-bills/balances/${waiting.sub_mchid}`)).toMatchObject({
      locked: 0,
      available: 100_000_000 - 250_000,
    });
  });

  it('goes on creating records with fresh numbers after the restart', async () => {
    const no = await bill(second);
    const created = await getBill(second, no);
    expect(created.state).toBe('ACCEPTED');
    expect(Object.values(before.bills).map((b) => b.transfer_bill_no)).not.toContain(
      created.transfer_bill_no,
    );
    const authorizationNo = await authorization(second);
    expect((await getAuthorization(second, authorizationNo)).state).toBe('WAIT_USER_CONFIRM');
  });
});
