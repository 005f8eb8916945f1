import { describe, expect, it } from 'vitest';
import { expectApiError, OTHER_PLATFORM, PLATFORM, SUB_A } from '../support/family-harness.js';
import {
  ASYNC_STEP_MS,
  act,
  apply,
  cancelHarness,
  confirm,
  confirmBody,
  getById,
  inReview,
  STARTING_ACCOUNTS,
  setBalances,
  stateOf,
  validate,
  waitingForConfirmation,
} from './support.js';

function inFundProcessing(h: ReturnType<typeof cancelHarness>) {
  const { applyment_id } = waitingForConfirmation(h);
  confirm(h, confirmBody({ applyment_id }));
  h.advanceBy(2 * ASYNC_STEP_MS);
  expect(stateOf(h, applyment_id)).toBe('FUND_PROCESSING');
  return applyment_id;
}

describe('cancelWithdraws control: review (system)', () => {
  it('approve and reject are refused outside REVIEWING', () => {
    const h = cancelHarness();
    const { applyment_id } = apply(h);
    expect(expectApiError(() => act(h, 'approve', applyment_id), 400, 'INVALID_REQUEST').message).toContain(
      'approve is allowed only in REVIEWING',
    );
    expectApiError(() => act(h, 'reject', applyment_id), 400, 'INVALID_REQUEST');
    expect(stateOf(h, applyment_id)).toBe('ACCEPTED');
  });

  it('reject without a reason uses a default; a blank reason is refused', () => {
    const h = cancelHarness();
    const { applyment_id } = inReview(h);
    expect(
      expectApiError(() => act(h, 'reject', applyment_id, { reason: ' ' }), 400, 'PARAM_ERROR').detail?.field,
    ).toBe('/reason');
    expect(act(h, 'reject', applyment_id)).toMatchObject({
      cancel_state: 'REJECTED',
      reject_reason: '证明材料不符合要求',
    });
  });

  it('approve takes no body fields', () => {
    const h = cancelHarness();
    const { applyment_id } = inReview(h);
    expect(
      expectApiError(() => act(h, 'approve', applyment_id, { reason: 'x' }), 400, 'PARAM_ERROR').detail
        ?.issue,
    ).toContain('no body fields');
  });
});

describe('cancelWithdraws control: staff-confirm (user)', () => {
  it('confirms a waiting application and records who confirmed', () => {
    const h = cancelHarness();
    const { applyment_id } = waitingForConfirmation(h);
    const view = act(h, 'staff-confirm', applyment_id);
    expect(view).toMatchObject({
      cancel_state: 'SYSTEM_PROCESSING',
      confirmation: { by: 'staff', confirmed_at: '2025-05-20T12:00:03.000+08:00' },
    });
    expect(view).not.toHaveProperty('confirm_token');
  });

  it('is refused once the platform confirmed, or before the application waits', () => {
    const h = cancelHarness();
    const { applyment_id } = waitingForConfirmation(h);
    confirm(h, confirmBody({ applyment_id }));
    expectApiError(() => act(h, 'staff-confirm', applyment_id), 400, 'INVALID_REQUEST');
    const h2 = cancelHarness();
    const early = apply(h2);
    expectApiError(() => act(h2, 'staff-confirm', early.applyment_id), 400, 'INVALID_REQUEST');
  });
});

describe('cancelWithdraws control: payouts (system)', () => {
  it('withdraw-succeed finishes at once and debits the balances', () => {
    const h = cancelHarness();
    const applymentId = inFundProcessing(h);
    expect(act(h, 'withdraw-succeed', applymentId)).toMatchObject({
      cancel_state: 'FINISH',
      withdraw_state: 'WITHDRAW_SUCCEED',
    });
    expect(validate(h)['account_info']).toEqual([
      { out_account_type: 'BASIC_ACCOUNT', amount: 0 },
      { out_account_type: 'OPERATE_ACCOUNT', amount: 0 },
    ]);
  });

  it('withdraw-fail finishes with WITHDRAW_EXCEPTION and leaves the balances', () => {
    const h = cancelHarness();
    const applymentId = inFundProcessing(h);
    act(h, 'withdraw-fail', applymentId, { reason: '收款账户已销户' });
    expect(getById(h, applymentId)).toMatchObject({
      cancel_state: 'FINISH',
      withdraw_state: 'WITHDRAW_EXCEPTION',
      withdraw_state_description: '提现异常：收款账户已销户',
      account_withdraw_result: [
        {
          out_account_type: 'BASIC_ACCOUNT',
          pay_state: 'PAY_FAIL',
          state_description: '出款失败：收款账户已销户',
        },
        {
          out_account_type: 'OPERATE_ACCOUNT',
          pay_state: 'PAY_FAIL',
          state_description: '出款失败：收款账户已销户',
        },
      ],
    });
    expect(validate(h)['account_info']).toEqual(STARTING_ACCOUNTS);
  });

  it('are refused outside FUND_PROCESSING', () => {
    const h = cancelHarness();
    const { applyment_id } = waitingForConfirmation(h);
    expectApiError(() => act(h, 'withdraw-succeed', applyment_id), 400, 'INVALID_REQUEST');
    expectApiError(() => act(h, 'withdraw-fail', applyment_id), 400, 'INVALID_REQUEST');
  });
});

describe('cancelWithdraws control: lookups and balances', () => {
  it('is 404 for an unknown application or another platform’s path', () => {
    const h = cancelHarness();
    const { applyment_id } = apply(h);
    expectApiError(() => act(h, 'approve', '42'), 404, 'NOT_FOUND');
    expectApiError(
      () => h.control('POST', '/:mchid/:applyment_id/approve', { mchid: OTHER_PLATFORM, applyment_id }),
      404,
      'NOT_FOUND',
    );
    expect(h.control('GET', '/:mchid/:applyment_id', { mchid: PLATFORM, applyment_id }).body).toMatchObject({
      applyment_id,
      sp_mchid: PLATFORM,
      manual_review: false,
    });
  });

  it('reads and replaces a sub-merchant’s balances', () => {
    const h = cancelHarness();
    expect(h.control('GET', '/balances/:sub_mchid', { sub_mchid: SUB_A }).body).toEqual({
      sub_mchid: SUB_A,
      accounts: STARTING_ACCOUNTS,
    });
    expect(setBalances(h, SUB_A, [])).toEqual({ sub_mchid: SUB_A, accounts: [] });
    expect(validate(h)['account_info']).toEqual([]);
  });

  it.each([
    [undefined, '/accounts', 'array'],
    [[{ out_account_type: 'SAVINGS', amount: 1 }], '/accounts/0/out_account_type', 'BASIC_ACCOUNT'],
    [[{ out_account_type: 'BASIC_ACCOUNT', amount: -1 }], '/accounts/0/amount', 'integer'],
    [[{ out_account_type: 'BASIC_ACCOUNT', amount: 1.5 }], '/accounts/0/amount', 'integer'],
    [
      [
        { out_account_type: 'BASIC_ACCOUNT', amount: 1 },
        { out_account_type: 'BASIC_ACCOUNT', amount: 2 },
      ],
      '/accounts/1/out_account_type',
      'once',
    ],
    [[{ out_account_type: 'BASIC_ACCOUNT', amount: 1, currency: 'CNY' }], '/accounts/0/currency', 'unknown'],
    [['BASIC_ACCOUNT'], '/accounts/0', 'object'],
  ])('refuses accounts %j: PARAM_ERROR on %s', (accounts, field, issue) => {
    const h = cancelHarness();
    const error = expectApiError(() => setBalances(h, SUB_A, accounts), 400, 'PARAM_ERROR');
    expect(error.detail?.field).toBe(field);
    expect(error.detail?.issue).toContain(issue);
  });

  it('refuses balances for a merchant that is not a sub-merchant', () => {
    const h = cancelHarness();
    expectApiError(() => setBalances(h, PLATFORM, []), 404, 'NOT_FOUND');
    expectApiError(() => setBalances(h, '1900009999', []), 404, 'NOT_FOUND');
  });
});
