import { describe, expect, it } from 'vitest';
import {
  type CancelWithdrawEvent,
  type CancelWithdrawEventType,
  CONFIRM_WINDOW_MS,
  EVENT_TYPES,
  type GuardName,
  guards,
  STATE_DESCRIPTIONS,
  states,
  timerRowsFor,
  transition,
  transitions,
} from '../../../src/families/cancel-withdraws/machine.js';
import type {
  CancelState,
  CancelWithdraw,
  NewCancelWithdraw,
} from '../../../src/families/cancel-withdraws/record.js';
import { errorOf } from '../support/family-harness.js';

const NOW = '2026-11-22T12:00:00.000+08:00';
const LATER = '2026-11-22T12:05:00.000+08:00';

const newApplication: NewCancelWithdraw = {
  applyment_id: '202611220000000001',
  out_request_no: 'P202410241010125346',
  sub_mchid: '1900001121',
  sp_mchid: '1900001109',
  withdraw: 'APPLY_WITHDRAW',
  account_info: [{ out_account_type: 'BASIC_ACCOUNT', amount: 100 }],
  manual_review: false,
  repeat_withdrawal: false,
  confirm_token: 'token',
};

const GUARD_PATCHES: Record<GuardName, Partial<CancelWithdraw>> = {
  manualReview: { manual_review: true },
  machineReview: { manual_review: false },
  notYetCancelled: { manual_review: true, repeat_withdrawal: false },
  repeatWithdrawal: { manual_review: true, repeat_withdrawal: true },
  withdraw: { withdraw: 'APPLY_WITHDRAW' },
  cancelOnly: { withdraw: 'NOT_APPLY_WITHDRAW' },
  // The platform confirmed with the content of eventOf.confirm.
  sameConfirmation: {
    confirmation: {
      by: 'platform',
      operator_identification: 'id1102',
      confirm_time: NOW,
      cancel_contract_version: 'V20241213',
      confirmed_at: NOW,
    },
  },
};

function recordIn(state: CancelState, guard?: GuardName): CancelWithdraw {
  const base: CancelWithdraw = {
    ...structuredClone(newApplication),
    cancel_state: state,
    cancel_state_description: STATE_DESCRIPTIONS[state],
    modify_time: NOW,
    ...(state === 'FUND_PROCESSING'
      ? {
          withdraw_state: 'WITHDRAW_PROCESSING',
          withdraw_state_description: '提现处理中',
          account_withdraw_result: [
            {
              out_account_type: 'BASIC_ACCOUNT',
              pay_state: 'PAY_PROCESSING',
              state_description: '出款处理中',
            },
          ],
        }
      : {}),
  };
  return { ...base, ...(guard ? GUARD_PATCHES[guard] : {}) };
}

const BALANCES = [
  { out_account_type: 'BASIC_ACCOUNT', amount: 700 },
  { out_account_type: 'OPERATE_ACCOUNT', amount: 0 },
  { out_account_type: 'MARGIN_ACCOUNT', amount: 300 },
] as const;

const eventOf: Record<CancelWithdrawEventType, CancelWithdrawEvent> = {
  apply: { type: 'apply', application: newApplication },
  review: { type: 'review' },
  approve: { type: 'approve', balances: BALANCES.map((b) => ({ ...b })) },
  reject: { type: 'reject', reason: '证明材料模糊' },
  confirm: {
    type: 'confirm',
    confirmation: {
      operator_identification: 'id1102',
      confirm_time: NOW,
      cancel_contract_version: 'V20241213',
    },
  },
  staffConfirm: { type: 'staffConfirm' },
  revoke: { type: 'revoke' },
  cancelMerchant: { type: 'cancelMerchant' },
  settle: { type: 'settle', balances: BALANCES.map((b) => ({ ...b })) },
  withdrawSucceed: { type: 'withdrawSucceed' },
  withdrawFail: { type: 'withdrawFail', reason: '账户已销户' },
  payOut: { type: 'payOut' },
};

describe('cancelWithdraws machine: every row of the table', () => {
  it.each(
    transitions.map(
      (row) =>
        [
          `${row.from ?? '[*]'} --${row.event} (${row.actor}${row.guard ? `, ${row.guard}` : ''})--> ${row.to}`,
          row,
        ] as const,
    ),
  )('%s', (_title, row) => {
    const before = row.from === null ? undefined : recordIn(row.from, row.guard);
    const after = transition(before, eventOf[row.event], { now: LATER });
    expect(after.cancel_state).toBe(row.to);
    if (row.unchanged) {
      // A repeat of what already took effect: the very same application, not even its modify_time moves.
      expect(after).toBe(before);
      return;
    }
    expect(after.modify_time).toBe(LATER);
    expect(after.cancel_state_description).toContain(STATE_DESCRIPTIONS[row.to]);
  });

  it('exactly one row applies wherever the diagram draws two edges for one event', () => {
    const guarded = transitions.filter((row) => row.guard !== undefined);
    for (const row of guarded) {
      const record = recordIn(row.from!, row.guard);
      const matching = transitions.filter(
        (r) =>
          r.from === row.from &&
          r.event === row.event &&
          (r.guard === undefined || guards[r.guard](record, eventOf[row.event])),
      );
      expect(matching, `${row.from} ${row.event} ${row.guard}`).toEqual([row]);
    }
  });
});

describe('cancelWithdraws machine: every event the table does not allow is refused', () => {
  const cases = [null, ...states].flatMap((state) =>
    EVENT_TYPES.filter((event) => !transitions.some((row) => row.from === state && row.event === event)).map(
      (event) => [state ?? '[*]', event, state] as const,
    ),
  );
  const PAST: CancelState[] = ['SYSTEM_PROCESSING', 'CANCELED', 'FUND_PROCESSING', 'FINISH'];

  it('covers refusals in every state', () => {
    expect(new Set(cases.map(([title]) => title))).toEqual(new Set(['[*]', ...states]));
  });

  it.each(cases)('%s refuses %s', (_title, event, state) => {
    const before = state === null ? undefined : recordIn(state);
    const error = errorOf(() => transition(before, eventOf[event], { now: LATER }));
    if (state === null) {
      expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND', message: '申请单不存在' });
    } else if (event === 'confirm' && PAST.includes(state)) {
      expect(error).toMatchObject({ status: 403, code: 'RULE_LIMIT' });
      expect(error.message).toMatch(/^无需确认/);
    } else if (event === 'confirm') {
      expect(error).toMatchObject({ status: 400, code: 'NO_AUTH' });
      expect(error.message).toMatch(/^请求非法/);
      expect(error.message).toContain(`is ${state}, not WAITING_MERCHANT_CONFIRM`);
    } else if (event === 'apply') {
      expect(error).toMatchObject({ status: 400, code: 'ALREADY_EXISTS' });
    } else {
      expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
      expect(error.message).toContain(`is ${state}`);
    }
  });
});

describe('cancelWithdraws machine: cancelWithdraws.confirm repeated', () => {
  const PAST: CancelState[] = ['SYSTEM_PROCESSING', 'CANCELED', 'FUND_PROCESSING', 'FINISH'];

  it('has an unchanged row for the same confirmation in every state a confirmation leads to', () => {
    const repeats = transitions.filter((row) => row.event === 'confirm' && row.unchanged);
    expect(repeats.map((row) => [row.from, row.to, row.actor, row.guard])).toEqual(
      PAST.map((state) => [state, state, 'merchant', 'sameConfirmation']),
    );
  });

  it.each(PAST)('%s: different content, or after a staff confirmation → 403 RULE_LIMIT', (state) => {
    const confirmed = recordIn(state, 'sameConfirmation');
    const other: CancelWithdrawEvent = {
      type: 'confirm',
      confirmation: {
        operator_identification: 'other01',
        confirm_time: NOW,
        cancel_contract_version: 'V20241213',
      },
    };
    expect(errorOf(() => transition(confirmed, other, { now: LATER }))).toMatchObject({
      status: 403,
      code: 'RULE_LIMIT',
    });
    const byStaff: CancelWithdraw = { ...recordIn(state), confirmation: { by: 'staff', confirmed_at: NOW } };
    expect(errorOf(() => transition(byStaff, eventOf.confirm, { now: LATER }))).toMatchObject({
      status: 403,
      code: 'RULE_LIMIT',
    });
  });
});

describe('cancelWithdraws machine: table shape', () => {
  it('every state is reachable and every event has a row', () => {
    expect(new Set(transitions.map((row) => row.to))).toEqual(new Set(states));
    expect(new Set(transitions.map((row) => row.event))).toEqual(new Set(EVENT_TYPES));
  });

  it('REJECTED, REVOKED and FINISH are terminal; CANCELED is not', () => {
    const leaving = new Set(transitions.filter((row) => !row.unchanged).map((row) => row.from));
    expect(['REJECTED', 'REVOKED', 'FINISH'].filter((s) => leaving.has(s as CancelState))).toEqual([]);
    expect(leaving.has('CANCELED')).toBe(true);
  });

  it.each([
    ['ACCEPTED', 'machineReview', ['review:asyncStep']],
    ['ACCEPTED', 'manualReview', ['review:asyncStep']],
    ['REVIEWING', undefined, []],
    ['WAITING_MERCHANT_CONFIRM', undefined, [`revoke:${CONFIRM_WINDOW_MS}`]],
    ['SYSTEM_PROCESSING', undefined, ['cancelMerchant:asyncStep']],
    ['CANCELED', 'withdraw', ['settle:asyncStep']],
    ['CANCELED', 'cancelOnly', ['settle:asyncStep']],
    ['FUND_PROCESSING', undefined, ['payOut:asyncStep']],
    ['REJECTED', undefined, []],
    ['REVOKED', undefined, []],
    ['FINISH', undefined, []],
  ] as const)('on entering %s (%s) the timers are %j', (state, guard, expected) => {
    expect(timerRowsFor(recordIn(state, guard)).map((r) => `${r.event}:${r.after}`)).toEqual(expected);
  });

  it('30 days is the confirmation window', () => {
    expect(CONFIRM_WINDOW_MS).toBe(2_592_000_000);
  });

  it('describes every state in Chinese', () => {
    for (const state of states) expect(STATE_DESCRIPTIONS[state]).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('cancelWithdraws machine: what each transition writes', () => {
  it('reject keeps the reason in the description', () => {
    const after = transition(recordIn('REVIEWING', 'manualReview'), eventOf.reject, { now: LATER });
    expect(after).toMatchObject({
      reject_reason: '证明材料模糊',
      cancel_state_description: '注销申请审核驳回：证明材料模糊',
    });
  });

  it('confirm stores the platform’s confirmation content; staffConfirm records the scan', () => {
    expect(
      transition(recordIn('WAITING_MERCHANT_CONFIRM'), eventOf.confirm, { now: LATER }).confirmation,
    ).toEqual({
      by: 'platform',
      operator_identification: 'id1102',
      confirm_time: NOW,
      cancel_contract_version: 'V20241213',
      confirmed_at: LATER,
    });
    expect(
      transition(recordIn('WAITING_MERCHANT_CONFIRM'), eventOf.staffConfirm, { now: LATER }).confirmation,
    ).toEqual({
      by: 'staff',
      confirmed_at: LATER,
    });
  });

  it('fund processing pays out each account holding money', () => {
    const after = transition(recordIn('CANCELED', 'withdraw'), eventOf.settle, { now: LATER });
    expect(after).toMatchObject({
      withdraw_state: 'WITHDRAW_PROCESSING',
      withdraw_state_description: '提现处理中',
      account_info: [
        { out_account_type: 'BASIC_ACCOUNT', amount: 700 },
        { out_account_type: 'MARGIN_ACCOUNT', amount: 300 },
      ],
      account_withdraw_result: [
        { out_account_type: 'BASIC_ACCOUNT', pay_state: 'PAY_PROCESSING', state_description: '出款处理中' },
        { out_account_type: 'MARGIN_ACCOUNT', pay_state: 'PAY_PROCESSING', state_description: '出款处理中' },
      ],
    });
  });

  it('a repeat withdrawal goes from approval straight to fund processing', () => {
    const after = transition(recordIn('REVIEWING', 'repeatWithdrawal'), eventOf.approve, { now: LATER });
    expect(after).toMatchObject({ cancel_state: 'FUND_PROCESSING', withdraw_state: 'WITHDRAW_PROCESSING' });
  });

  it('cancel only finishes without any withdraw fields', () => {
    const after = transition(recordIn('CANCELED', 'cancelOnly'), eventOf.settle, { now: LATER });
    expect(after.cancel_state).toBe('FINISH');
    expect(after).not.toHaveProperty('withdraw_state');
    expect(after).not.toHaveProperty('account_withdraw_result');
  });

  it.each([
    ['payOut', 'WITHDRAW_SUCCEED', '提现成功', 'PAY_SUCCEED', '出款成功'],
    ['withdrawSucceed', 'WITHDRAW_SUCCEED', '提现成功', 'PAY_SUCCEED', '出款成功'],
    ['withdrawFail', 'WITHDRAW_EXCEPTION', '提现异常：账户已销户', 'PAY_FAIL', '出款失败：账户已销户'],
  ] as const)('%s finishes with %s', (event, withdrawState, description, payState, payDescription) => {
    const after = transition(recordIn('FUND_PROCESSING'), eventOf[event], { now: LATER });
    expect(after).toMatchObject({
      cancel_state: 'FINISH',
      withdraw_state: withdrawState,
      withdraw_state_description: description,
      account_withdraw_result: [
        { out_account_type: 'BASIC_ACCOUNT', pay_state: payState, state_description: payDescription },
      ],
    });
  });

  it('only the successful payout rows debit the balances', () => {
    const debiting = transitions.filter((row) => row.debitsBalances).map((row) => row.event);
    expect(debiting.sort()).toEqual(['payOut', 'withdrawSucceed']);
  });

  it('never mutates the application it is given', () => {
    const before = recordIn('FUND_PROCESSING');
    const copy = structuredClone(before);
    transition(before, eventOf.withdrawFail, { now: LATER });
    expect(before).toEqual(copy);
  });
});
