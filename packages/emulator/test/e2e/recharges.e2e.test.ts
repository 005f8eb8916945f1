import { formatTime } from '@wxpay-kit/emulator';
import { type RequestEvent, WechatPay } from '@wxpay-kit/sdk';
import { notifications } from '@wxpay-kit/sdk/catalogue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transitions } from '../../src/families/recharges/machine.js';
import { type E2eHarness, startE2e } from './support/e2e-harness.js';
import { expectApiError } from './support-b/api-error.js';
import { about, NotificationLog } from './support-b/notification-log.js';
import { outNo } from './support-b/out-no.js';
import { PAYMENTS, type RechargeChannel, rechargeApply } from './support-b/recharge-requests.js';
import { TransitionCoverage } from './support-b/transition-coverage.js';

const DAY_SECONDS = 24 * 60 * 60;
const CHANNELS = Object.keys(PAYMENTS) as RechargeChannel[];

describe('recharges through the SDK against the emulator (platform and its sub-merchants)', () => {
  let h: E2eHarness;
  let log: NotificationLog;
  let spMchid: string;
  let sub: string;
  let otherSub: string;
  let notifyUrl: string;
  const coverage = new TransitionCoverage(transitions);

  beforeAll(async () => {
    h = await startE2e();
    log = new NotificationLog(h);
    spMchid = h.emulator.merchants.platform.mchid;
    [sub = '', otherSub = ''] = h.emulator.merchants.platform.subMchids;
    notifyUrl = h.receiver.url('platform');
  });
  afterAll(() => h?.close());

  const get = (no: string, sub_mchid = sub) =>
    h.sdk.platform.recharges.get({ out_recharge_no: no, sub_mchid });
  const pay = (no: string, channel: RechargeChannel, info: object = PAYMENTS[channel].body) =>
    h.control('POST', `/recharges/${spMchid}/${no}/pay`, { channel, ...info });
  const returnFunds = (no: string, body: object = {}) =>
    h.control('POST', `/recharges/${spMchid}/${no}/return-funds`, body);
  const outbox = async (no: string): Promise<{ id: number; eventType: string }[]> =>
    (await h.control('GET', `/notifications?resourceKey=${no}`)).body.notifications;
  const nowText = () => formatTime(h.emulator.clock.now());

  it('recharges.apply → RECHARGING; recharges.get shows it to the platform for that sub-merchant only', async () => {
    const no = outNo('RA');
    const applied = await h.sdk.platform.recharges.apply(
      rechargeApply(sub, no, { notify_url: notifyUrl, remark: '保证金充值' }),
    );
    expect(applied).toEqual({
      recharge_id: expect.stringMatching(/^\d+$/),
      out_recharge_no: no,
      recharge_url: expect.stringMatching(/^https:\/\/\S+$/),
    });
    const got = await get(no);
    expect(got).toEqual({
      sp_mchid: spMchid,
      sub_mchid: sub,
      recharge_id: applied.recharge_id,
      out_recharge_no: no,
      account_type: 'DEPOSIT',
      recharge_state: 'RECHARGING',
      recharge_scene: 'ECOMMERCE_DEPOSIT',
      recharge_amount: { amount: 10_000, currency: 'CNY' },
    });
    // Another sub-merchant of the same platform does not see it.
    await expectApiError(get(no, otherSub), { status: 404, code: 'NOT_FOUND' });
    expect(await outbox(no)).toEqual([]);
    coverage.drove(null, 'RECHARGING', 'apply');
  });

  it('recharges.apply repeated with the identical request answers the same recharge; changed → 400 INVALID_REQUEST', async () => {
    const no = outNo('RI');
    const request = rechargeApply(sub, no, { available_recharge_channels: ['BANK_TRANSFER'] });
    const first = await h.sdk.platform.recharges.apply(request);
    // Keys in another order are the same request.
    const reordered = Object.fromEntries(Object.entries(request).reverse()) as typeof request;
    expect(await h.sdk.platform.recharges.apply(reordered)).toEqual(first);
    await expectApiError(
      h.sdk.platform.recharges.apply({ ...request, recharge_amount: { amount: 10_001, currency: 'CNY' } }),
      { status: 400, code: 'INVALID_REQUEST', field: '/out_recharge_no' },
    );
    expect((await get(no)).recharge_amount.amount).toBe(10_000);
  });

  it.each(CHANNELS)(
    'the sub-merchant pays via %s → SUCCESS with the channel info; RECHARGE.SUCCESS verified and decrypted by the SDK',
    async (channel) => {
      const no = outNo('RP');
      await h.sdk.platform.recharges.apply(rechargeApply(sub, no, { notify_url: notifyUrl, remark: '充值' }));
      const paid = await pay(no, channel);
      expect(paid.status, JSON.stringify(paid.body)).toBe(200);
      const now = nowText();
      const got = await get(no);
      const { infoField, body } = PAYMENTS[channel];
      expect(got).toMatchObject({
        recharge_state: 'SUCCESS',
        recharge_channel: channel,
        [infoField]: body,
        accept_time: now,
        success_time: now,
      });
      for (const other of CHANNELS.filter((c) => c !== channel)) {
        expect(got).not.toHaveProperty(PAYMENTS[other].infoField);
      }
      const [success] = await log.waitFor(about('RECHARGE.SUCCESS', 'out_recharge_no', no));
      const { event } = success!;
      expect(event.envelope.resource).toMatchObject({
        algorithm: 'AEAD_AES_256_GCM',
        associated_data: 'recharge',
        original_type: 'recharge',
      });
      expect(event.resource_type).toBe('encrypt-resource');
      // The plaintext is the recharge as the API shows it, plus the apply request's remark.
      expect(event.resource).toEqual({ ...got, remark: '充值' });
      coverage.drove('RECHARGING', 'SUCCESS', 'pay');
    },
  );

  it('a channel not among available_recharge_channels is refused and the recharge stays RECHARGING', async () => {
    const no = outNo('RC');
    await h.sdk.platform.recharges.apply(
      rechargeApply(sub, no, { available_recharge_channels: ['QR_RECHARGE'] }),
    );
    const refused = await pay(no, 'BANK_TRANSFER');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'INVALID_REQUEST', detail: { field: '/channel' } });
    expect(await get(no)).toMatchObject({
      recharge_state: 'RECHARGING',
      available_recharge_channels: ['QR_RECHARGE'],
    });
  });

  it('recharges.close (sub_mchid in the query) → CLOSED with recharge_state_desc and RECHARGE.CLOSED; again → the same, no second notification', async () => {
    const sent: RequestEvent[] = [];
    const platform = new WechatPay({
      ...h.emulator.clientOptions('platform'),
      retry: false,
      hooks: { onRequest: (event) => sent.push(event) },
    });
    const no = outNo('RX');
    await platform.recharges.apply(rechargeApply(sub, no, { notify_url: notifyUrl }));
    const closed = await platform.recharges.close({ out_recharge_no: no, sub_mchid: sub });
    expect(sent.at(-1)).toMatchObject({
      method: 'POST',
      url: `${h.emulator.url}/v3/platsolution/ecommerce/recharges/out-recharge-no/${no}/close?sub_mchid=${sub}`,
    });
    expect(closed).toMatchObject({
      out_recharge_no: no,
      sub_mchid: sub,
      recharge_state: 'CLOSED',
      recharge_state_desc: '平台商户主动关闭充值单',
      close_time: nowText(),
    });
    expect(closed).not.toHaveProperty('recharge_channel');
    expect(await get(no)).toEqual(closed);
    const [notice] = await log.waitFor(about('RECHARGE.CLOSED', 'out_recharge_no', no));
    expect(notice!.event.resource).toEqual(closed);
    coverage.drove('RECHARGING', 'CLOSED', 'close');

    await h.advance(60);
    expect(await platform.recharges.close({ out_recharge_no: no, sub_mchid: sub })).toEqual(closed);
    expect((await outbox(no)).map((n) => n.eventType)).toEqual(['RECHARGE.CLOSED']);
    coverage.drove('CLOSED', 'CLOSED', 'close');
    // A closed recharge cannot be paid any more.
    expect((await pay(no, 'QR_RECHARGE')).body).toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('recharges.close on a SUCCESS recharge → 400 INVALID_REQUEST, and it stays SUCCESS', async () => {
    const no = outNo('RS');
    await h.sdk.platform.recharges.apply(rechargeApply(sub, no));
    expect((await pay(no, 'ONLINE_BANK')).status).toBe(200);
    const error = await expectApiError(
      h.sdk.platform.recharges.close({ out_recharge_no: no, sub_mchid: sub }),
      {
        status: 400,
        code: 'INVALID_REQUEST',
      },
    );
    expect(error.message).toContain('SUCCESS');
    expect((await get(no)).recharge_state).toBe('SUCCESS');
  });

  it('7 days without payment → CLOSED by the system with RECHARGE.CLOSED (not at 7 d − 1 s); a paid recharge is not closed', async () => {
    const no = outNo('RT');
    const paidNo = outNo('RT');
    await h.sdk.platform.recharges.apply(rechargeApply(sub, no, { notify_url: notifyUrl }));
    await h.sdk.platform.recharges.apply(rechargeApply(otherSub, paidNo, { notify_url: notifyUrl }));
    expect((await pay(paidNo, 'BANK_TRANSFER')).status).toBe(200);
    const appliedAt = h.emulator.clock.now();

    await h.advance(7 * DAY_SECONDS - 1);
    expect((await get(no)).recharge_state).toBe('RECHARGING');
    await h.advance(1);
    const expired = await get(no);
    expect(expired).toMatchObject({
      recharge_state: 'CLOSED',
      recharge_state_desc: '超过时间限制，系统自动关闭充值单',
      close_time: formatTime(appliedAt + 7 * DAY_SECONDS * 1000),
    });
    const [notice] = await log.waitFor(about('RECHARGE.CLOSED', 'out_recharge_no', no));
    expect(notice!.event.resource).toEqual(expired);
    expect((await get(paidNo, otherSub)).recharge_state).toBe('SUCCESS');
    expect((await outbox(paidNo)).map((n) => n.eventType)).toEqual(['RECHARGE.SUCCESS']);
    coverage.drove('RECHARGING', 'CLOSED', 'expire');
  });

  it.each(['BANK_TRANSFER', 'ONLINE_BANK'] as const)(
    'the bank returns %s funds → RECHARGE.FUND_RETURNED per return; the recharge stays SUCCESS',
    async (channel) => {
      const no = outNo('RF');
      await h.sdk.platform.recharges.apply(rechargeApply(sub, no, { notify_url: notifyUrl }));
      expect((await pay(no, channel)).status).toBe(200);
      const { infoField, body } = PAYMENTS[channel];

      const first = await returnFunds(no, { amount: 4_000, return_reason: '付款户名不一致' });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      const returnedAt = nowText();
      const got = await get(no);
      expect(got).toMatchObject({
        recharge_state: 'SUCCESS',
        [infoField]: { ...body, return_time: returnedAt, return_reason: '付款户名不一致' },
      });
      const [returned] = await log.waitFor(about('RECHARGE.FUND_RETURNED', 'out_recharge_no', no));
      expect(returned!.event.envelope.resource).toMatchObject({ associated_data: 'recharge' });
      expect(returned!.event.resource).toEqual({
        sp_mchid: spMchid,
        sub_mchid: sub,
        recharge_id: got.recharge_id,
        out_recharge_no: no,
        recharge_returned_id: expect.stringMatching(/^\d+$/),
        recharge_channel: channel,
        detail: {
          bank_name: body.bank_name,
          bank_card_tail: body.bank_card_tail,
          bank_account_name: body.bank_account_name,
          amount: 4_000,
          currency: 'CNY',
          ...(channel === 'BANK_TRANSFER' ? { memo: PAYMENTS.BANK_TRANSFER.body.memo } : {}),
          return_time: returnedAt,
          return_reason: '付款户名不一致',
        },
      });
      coverage.drove('SUCCESS', 'SUCCESS', 'returnFunds');

      // Without an amount the rest comes back; after that there is nothing left to return.
      expect((await returnFunds(no)).status).toBe(200);
      const both = await log.waitFor(about('RECHARGE.FUND_RETURNED', 'out_recharge_no', no), 2);
      expect(both.map((d) => d.event.resource.detail.amount)).toEqual([4_000, 6_000]);
      expect(new Set(both.map((d) => d.event.resource.recharge_returned_id)).size).toBe(2);
      expect((await returnFunds(no)).body).toMatchObject({ code: 'INVALID_REQUEST' });
      expect((await get(no)).recharge_state).toBe('SUCCESS');
    },
  );

  it('funds of a QR recharge cannot be returned by the bank', async () => {
    const no = outNo('RQ');
    await h.sdk.platform.recharges.apply(rechargeApply(sub, no, { notify_url: notifyUrl }));
    expect((await pay(no, 'QR_RECHARGE')).status).toBe(200);
    const refused = await returnFunds(no, { amount: 1 });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'INVALID_REQUEST' });
    expect((await outbox(no)).map((n) => n.eventType)).toEqual(['RECHARGE.SUCCESS']);
  });

  it('RECHARGE.SUCCESS is retried on the generic schedule (0, 15, 15, 30, 180 s) while the receiver fails', async () => {
    // Everything queued so far must be delivered first: the receiver's failures are for this notification only.
    await expect
      .poll(async () => (await h.control('GET', '/notifications?state=pending')).body.notifications, {
        timeout: 5_000,
      })
      .toEqual([]);
    const no = outNo('RR');
    await h.sdk.platform.recharges.apply(rechargeApply(sub, no, { notify_url: notifyUrl }));
    h.receiver.failNext(4);
    const before = h.receiver.deliveries.length;
    expect((await pay(no, 'QR_RECHARGE')).status).toBe(200);
    const [first] = (await h.receiver.waitForDeliveries(before + 1)).slice(before);
    const attempts = () => h.receiver.deliveries.filter((d) => d.body.equals(first!.body)).length;
    expect(attempts()).toBe(1);

    const schedule = [0, 15, 15, 30, 180];
    expect(notifications.recharges.retrySchedule.slice(0, schedule.length)).toEqual(schedule);
    for (let attempt = 2; attempt <= schedule.length; attempt++) {
      const delay = schedule[attempt - 1]!;
      await h.advance(delay - 1);
      expect(attempts(), `attempt ${attempt} is not due 1 s early`).toBe(attempt - 1);
      await h.advance(1);
      expect(attempts(), `attempt ${attempt} is due ${delay} s after the previous one`).toBe(attempt);
    }
    // Delivered: the schedule ends.
    await h.advance(600);
    expect(attempts()).toBe(schedule.length);

    const [record] = await outbox(no);
    const detail = (await h.control('GET', `/notifications/${record!.id}`)).body;
    expect(detail.state).toBe('delivered');
    expect(detail.attempts.map((a: { httpStatus: number }) => a.httpStatus)).toEqual([
      500, 500, 500, 500, 200,
    ]);
    const due = detail.attempts.map((a: { scheduledAt: number }) => a.scheduledAt);
    expect(
      due.map((at: number, i: number) => (at - (i === 0 ? detail.createdAt : due[i - 1])) / 1000),
    ).toEqual(schedule);
    const delivered = h.receiver.deliveries.filter((d) => d.body.equals(first!.body));
    expect(delivered.map((d) => d.answeredStatus)).toEqual([500, 500, 500, 500, 200]);
    const event = await h.parse(delivered.at(-1)!);
    expect(event).toMatchObject({ event_type: 'RECHARGE.SUCCESS', resource: { out_recharge_no: no } });
  });

  it('every transition of the recharges machine table was driven end to end', () => {
    expect(coverage.missing()).toEqual([]);
  });
});
