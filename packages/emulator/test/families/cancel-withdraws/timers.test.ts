import { describe, expect, it } from 'vitest';
import { cancelWithdrawsFamily } from '../../../src/families/cancel-withdraws/index.js';
import { transitions } from '../../../src/families/cancel-withdraws/machine.js';
import { PLATFORM, START_MS, SUB_A } from '../support/family-harness.js';
import {
  ASYNC_STEP_MS,
  act,
  apply,
  applyBody,
  cancelHarness,
  confirm,
  confirmBody,
  getById,
  inReview,
  STARTING_ACCOUNTS,
  setBalances,
  stateOf,
  THIRTY_DAYS,
  validate,
  waitingForConfirmation,
} from './support.js';

describe('cancelWithdraws timers: an application without proof_medias', () => {
  it('waits for merchant confirmation asyncStepMs after apply, not before', () => {
    const h = cancelHarness();
    const { applyment_id } = apply(h);
    h.advanceBy(ASYNC_STEP_MS - 1);
    expect(stateOf(h, applyment_id)).toBe('ACCEPTED');
    h.advanceBy(1);
    expect(getById(h, applyment_id)).toMatchObject({
      cancel_state: 'WAITING_MERCHANT_CONFIRM',
      modify_time: '2025-05-20T12:00:03.000+08:00',
    });
  });

  it('runs confirmed → CANCELED → FUND_PROCESSING → FINISH one asyncStep apart, paying out the balances', () => {
    const h = cancelHarness();
    setBalances(h, SUB_A, [
      { out_account_type: 'BASIC_ACCOUNT', amount: 5000 },
      { out_account_type: 'MARGIN_ACCOUNT', amount: 0 },
      { out_account_type: 'TRADE_FEE_ACCOUNT', amount: 12 },
    ]);
    const { applyment_id } = waitingForConfirmation(h);
    confirm(h, confirmBody({ applyment_id }));
    h.advanceBy(ASYNC_STEP_MS);
    expect(getById(h, applyment_id)).toMatchObject({
      cancel_state: 'CANCELED',
      cancel_state_description: '商户号已注销',
    });
    h.advanceBy(ASYNC_STEP_MS);
    expect(getById(h, applyment_id)).toMatchObject({
      cancel_state: 'FUND_PROCESSING',
      withdraw_state: 'WITHDRAW_PROCESSING',
      account_info: [
        { out_account_type: 'BASIC_ACCOUNT', amount: 5000 },
        { out_account_type: 'TRADE_FEE_ACCOUNT', amount: 12 },
      ],
      account_withdraw_result: [
        { out_account_type: 'BASIC_ACCOUNT', pay_state: 'PAY_PROCESSING' },
        { out_account_type: 'TRADE_FEE_ACCOUNT', pay_state: 'PAY_PROCESSING' },
      ],
    });
    h.advanceBy(ASYNC_STEP_MS);
    expect(getById(h, applyment_id)).toMatchObject({
      cancel_state: 'FINISH',
      withdraw_state: 'WITHDRAW_SUCCEED',
      withdraw_state_description: '提现成功',
      account_withdraw_result: [
        { out_account_type: 'BASIC_ACCOUNT', pay_state: 'PAY_SUCCEED', state_description: '出款成功' },
        { out_account_type: 'TRADE_FEE_ACCOUNT', pay_state: 'PAY_SUCCEED', state_description: '出款成功' },
      ],
    });
    expect(validate(h)['account_info']).toEqual([
      { out_account_type: 'BASIC_ACCOUNT', amount: 0 },
      { out_account_type: 'MARGIN_ACCOUNT', amount: 0 },
      { out_account_type: 'TRADE_FEE_ACCOUNT', amount: 0 },
    ]);
  });

  it('NOT_APPLY_WITHDRAW: CANCELED → FINISH with no withdraw fields, balances untouched', () => {
    const h = cancelHarness();
    const { payee_info: _p, ...body } = applyBody({ withdraw: 'NOT_APPLY_WITHDRAW' });
    const { applyment_id } = h.call('cancelWithdraws.apply', { caller: PLATFORM, body }).body as {
      applyment_id: string;
    };
    h.advanceBy(ASYNC_STEP_MS);
    act(h, 'staff-confirm', applyment_id);
    h.advanceBy(2 * ASYNC_STEP_MS);
    const entity = getById(h, applyment_id);
    expect(entity).toMatchObject({ cancel_state: 'FINISH', withdraw: 'NOT_APPLY_WITHDRAW' });
    expect(entity).not.toHaveProperty('withdraw_state');
    expect(validate(h)['account_info']).toEqual(STARTING_ACCOUNTS);
  });

  it('is revoked exactly 30 days after it started waiting, not a millisecond earlier', () => {
    const h = cancelHarness();
    const { applyment_id } = waitingForConfirmation(h);
    const waitingSince = START_MS + ASYNC_STEP_MS;
    h.advanceTo(waitingSince + THIRTY_DAYS - 1);
    expect(stateOf(h, applyment_id)).toBe('WAITING_MERCHANT_CONFIRM');
    h.advanceTo(waitingSince + THIRTY_DAYS);
    expect(getById(h, applyment_id)).toMatchObject({
      cancel_state: 'REVOKED',
      cancel_state_description: '超过30天商户未确认注销，申请单已撤销',
      modify_time: '2025-06-19T12:00:03.000+08:00',
    });
    expect(getById(h, applyment_id)).not.toHaveProperty('confirm_cancel');
  });

  it('dates every step at its due time when the timers run late, and runs the 30-day deadline from there', () => {
    const h = cancelHarness();
    const { applyment_id } = apply(h);
    // Far past the review step and past the 30 days counted from it: both are overdue at once.
    h.clock.advance(ASYNC_STEP_MS + THIRTY_DAYS + 60_000);
    expect(h.runDue().map((t) => [t.kind, t.dueAt - START_MS])).toEqual([
      ['review', ASYNC_STEP_MS],
      ['revoke', ASYNC_STEP_MS + THIRTY_DAYS],
    ]);
    expect(getById(h, applyment_id)).toMatchObject({
      cancel_state: 'REVOKED',
      modify_time: '2025-06-19T12:00:03.000+08:00',
    });
  });

  it('dates the payout steps at their due times when they run late', () => {
    const h = cancelHarness();
    const { applyment_id } = waitingForConfirmation(h);
    confirm(h, confirmBody({ applyment_id }));
    h.clock.advance(24 * 3600 * 1000);
    expect(h.runDue().map((t) => t.kind)).toEqual(['cancelMerchant', 'settle', 'payOut']);
    // Confirmed at +3 s; each later step one asyncStep after the previous one's due time.
    expect(getById(h, applyment_id)).toMatchObject({
      cancel_state: 'FINISH',
      modify_time: '2025-05-20T12:00:12.000+08:00',
    });
  });

  it('the 30-day timer does nothing once the application was confirmed', () => {
    const h = cancelHarness();
    const { applyment_id } = waitingForConfirmation(h);
    confirm(h, confirmBody({ applyment_id }));
    h.advanceBy(THIRTY_DAYS + ASYNC_STEP_MS);
    expect(getById(h, applyment_id)).toMatchObject({
      cancel_state: 'FINISH',
      withdraw_state: 'WITHDRAW_SUCCEED',
    });
  });
});

describe('cancelWithdraws timers: an application with proof_medias', () => {
  it('goes to REVIEWING and waits there for a person', () => {
    const h = cancelHarness();
    const { applyment_id } = inReview(h);
    expect(getById(h, applyment_id)).toMatchObject({
      cancel_state: 'REVIEWING',
      cancel_state_description: '注销申请审核中',
    });
    h.advanceBy(THIRTY_DAYS * 2);
    expect(stateOf(h, applyment_id)).toBe('REVIEWING');
  });

  it('approve → SYSTEM_PROCESSING, then the timers take it to FINISH', () => {
    const h = cancelHarness();
    const { applyment_id } = inReview(h);
    act(h, 'approve', applyment_id);
    expect(stateOf(h, applyment_id)).toBe('SYSTEM_PROCESSING');
    h.advanceBy(3 * ASYNC_STEP_MS);
    expect(getById(h, applyment_id)).toMatchObject({
      cancel_state: 'FINISH',
      withdraw_state: 'WITHDRAW_SUCCEED',
    });
  });

  it('reject → REJECTED with the reason, and no timers left', () => {
    const h = cancelHarness();
    const { applyment_id } = inReview(h);
    act(h, 'reject', applyment_id, { reason: '证明材料模糊' });
    expect(getById(h, applyment_id)).toMatchObject({
      cancel_state: 'REJECTED',
      cancel_state_description: '注销申请审核驳回：证明材料模糊',
    });
    expect(h.pendingTimers()).toEqual([]);
  });
});

describe('cancelWithdraws timers: stale and orphaned timers', () => {
  it('a payout timer after a manual withdraw-succeed does nothing (no double debit)', () => {
    const h = cancelHarness();
    setBalances(h, SUB_A, [{ out_account_type: 'BASIC_ACCOUNT', amount: 1000 }]);
    const { applyment_id } = waitingForConfirmation(h);
    confirm(h, confirmBody({ applyment_id }));
    h.advanceBy(2 * ASYNC_STEP_MS);
    act(h, 'withdraw-succeed', applyment_id);
    setBalances(h, SUB_A, [{ out_account_type: 'BASIC_ACCOUNT', amount: 300 }]);
    h.advanceBy(ASYNC_STEP_MS);
    expect(validate(h)['account_info']).toEqual([{ out_account_type: 'BASIC_ACCOUNT', amount: 300 }]);
  });

  it('a timer whose application is gone does nothing', () => {
    const h = cancelHarness();
    apply(h);
    h.db.exec('DELETE FROM cancel_withdraw_applications');
    expect(h.advanceBy(ASYNC_STEP_MS)).toHaveLength(1);
    expect(h.pendingTimers()).toEqual([]);
  });

  it('a timer set for an earlier state does nothing', () => {
    const h = cancelHarness();
    const { applyment_id } = waitingForConfirmation(h);
    const handler = cancelWithdrawsFamily.timers['revoke']!;
    h.db.transaction(() =>
      handler(h.deps, {
        id: 99,
        family: 'cancelWithdraws',
        kind: 'revoke',
        ref: applyment_id,
        dueAt: 0,
        payload: { state: 'ACCEPTED' },
      }),
    )();
    expect(stateOf(h, applyment_id)).toBe('WAITING_MERCHANT_CONFIRM');
  });
});

describe('cancelWithdraws family module', () => {
  it('has a timer handler for every timer row and a handler for each catalogue operation', () => {
    const timerEvents = transitions.filter((row) => row.actor === 'timer').map((row) => row.event);
    expect(Object.keys(cancelWithdrawsFamily.timers).sort()).toEqual([...new Set(timerEvents)].sort());
    expect(Object.keys(cancelWithdrawsFamily.operations).sort()).toEqual([
      'cancelWithdraws.apply',
      'cancelWithdraws.confirm',
      'cancelWithdraws.get',
      'cancelWithdraws.getByApplymentId',
      'cancelWithdraws.validate',
    ]);
  });

  it('mounts each control action with the actor of its machine row', () => {
    const actors = Object.fromEntries(
      cancelWithdrawsFamily.control.map((a) => [`${a.method} ${a.path}`, a.actor]),
    );
    expect(actors).toEqual({
      'GET /:mchid/:applyment_id': 'system',
      'POST /:mchid/:applyment_id/approve': 'system',
      'POST /:mchid/:applyment_id/reject': 'system',
      'POST /:mchid/:applyment_id/staff-confirm': 'user',
      'POST /:mchid/:applyment_id/withdraw-succeed': 'system',
      'POST /:mchid/:applyment_id/withdraw-fail': 'system',
      'GET /balances/:sub_mchid': 'system',
      'POST /balances/:sub_mchid': 'system',
    });
    const rowActor = (event: string) => transitions.find((r) => r.event === event)?.actor;
    expect([
      rowActor('approve'),
      rowActor('reject'),
      rowActor('staffConfirm'),
      rowActor('withdrawSucceed'),
      rowActor('withdrawFail'),
    ]).toEqual(['system', 'system', 'user', 'system', 'system']);
  });
});
