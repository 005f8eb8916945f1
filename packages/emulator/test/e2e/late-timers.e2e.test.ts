import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eHarness, startE2e } from './support/e2e-harness.js';
import { NotificationReceiver } from './support/notification-receiver.js';
import { DAY, ms, START, uniqueNo } from './support-a/e2e-kit.js';
import { withdrawApply } from './support-b/cancel-withdraw-requests.js';
import { rechargeApply } from './support-b/recharge-requests.js';

// Every family's deadlines pass while the emulator is down: the restart starts with the clock already past all of
// them. Each transition must be dated at the time it was due, not at the restart.

/** Seconds per asynchronous step. */
const STEP = 5;
const START_MS = ms(START);

let dataDir: string;
let receiver: NotificationReceiver;
let first: E2eHarness | undefined;
let second: E2eHarness | undefined;
const numbers = {
  authorization: uniqueNo('late'),
  bill: uniqueNo('latebill'),
  recharge: uniqueNo('latecz'),
  application: uniqueNo('latecw'),
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'wxpay-e2e-late-'));
  receiver = await new NotificationReceiver().start();
  const options = { dataDir, receiver, asyncStepMs: STEP * 1000 };
  first = await startE2e({ ...options, clock: { mode: 'manual', start: START } });
  const m = first.emulator.merchants;
  await first.sdk.ordinary.authorizations.apply({
    out_authorization_no: numbers.authorization,
    appid: m.ordinary.appid,
    openid: 'o-late-user',
    transfer_scene_id: '1005',
    user_display_name: '张*',
    authorization_notify_url: receiver.url('ordinary'),
  });
  await first.sdk.serviceProvider.transferBills.partnerCreate({
    sub_mchid: m.serviceProvider.subMchids[0]!,
    appid: m.serviceProvider.appid,
    out_bill_no: numbers.bill,
    transfer_scene_id: '1000',
    openid: 'o-late-user',
    transfer_amount: 2500,
    transfer_remark: '新会员开通有礼',
    notify_url: receiver.url('serviceProvider'),
    transfer_scene_report_infos: [
      { info_type: '活动名称', info_content: '新会员有礼' },
      { info_type: '奖励说明', info_content: '注册会员抽奖一等奖' },
    ],
  });
  await first.sdk.platform.recharges.apply(rechargeApply(m.platform.subMchids[0]!, numbers.recharge));
  await first.sdk.platform.cancelWithdraws.apply(
    withdrawApply(m.platform.subMchids[1]!, numbers.application),
  );
  expect(first.emulator.clock.now()).toBe(START_MS);
  await first.close();
  first = undefined;

  // 30 days and an hour later: past the 24 h, 7 d and 30 d deadlines and every asynchronous step, but not yet
  // at the end of the 30 days an overdue authorization stays queryable.
  second = await startE2e({
    ...options,
    clock: { mode: 'manual', start: START_MS + (30 * DAY + 3600) * 1000 },
  });
  // Whatever the restart found due has run once this advance (queued behind it) resolves.
  await second.advance(0);
});

afterAll(async () => {
  await second?.close();
  await first?.close();
  await receiver?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('timers that fell due while the emulator was down', () => {
  it('authorizations: the 24 h overdue close is dated at the deadline', async () => {
    const record = await second!.sdk.ordinary.authorizations.get({
      out_authorization_no: numbers.authorization,
    });
    expect(record.close_info?.close_reason).toBe('USER_OVERDUE_UNCONFIRMED');
    expect(ms(record.close_info?.close_time)).toBe(START_MS + DAY * 1000);
  });

  it('transferBills: the 24 h confirmation window ends at its deadline, counted from WAIT_USER_CONFIRM', async () => {
    const bill = await second!.sdk.serviceProvider.transferBills.partnerGet({
      out_bill_no: numbers.bill,
      sub_mchid: second!.emulator.merchants.serviceProvider.subMchids[0]!,
    });
    expect(bill).toMatchObject({ state: 'FAIL', fail_reason: 'OVERDUE_CLOSE' });
    expect(ms(bill.update_time)).toBe(START_MS + (2 * STEP + DAY) * 1000);
  });

  it('recharges: the 7-day close is dated at the deadline', async () => {
    const recharge = await second!.sdk.platform.recharges.get({
      out_recharge_no: numbers.recharge,
      sub_mchid: second!.emulator.merchants.platform.subMchids[0]!,
    });
    expect(recharge.recharge_state).toBe('CLOSED');
    expect(ms(recharge.close_time)).toBe(START_MS + 7 * DAY * 1000);
  });

  it('cancelWithdraws: review at its step, then revoked 30 days after that, dated then', async () => {
    const application = await second!.sdk.platform.cancelWithdraws.get({
      out_request_no: numbers.application,
    });
    expect(application.cancel_state).toBe('REVOKED');
    expect(ms(application.modify_time)).toBe(START_MS + (STEP + 30 * DAY) * 1000);
  });
});
