import { describe, expect, it } from 'vitest';
import { cancelWithdrawsFamily } from '../../../src/families/cancel-withdraws/index.js';
import {
  expectApiError,
  OTHER_PLATFORM,
  OTHER_SUB,
  PLATFORM,
  START_MS,
  SUB_A,
  SUB_B,
} from '../support/family-harness.js';
import {
  ASYNC_STEP_MS,
  act,
  apply,
  applyBody,
  cancelHarness,
  confirm,
  confirmBody,
  getById,
  getByNo,
  inReview,
  PAYEE_PLAINTEXT,
  personalPayee,
  STARTING_ACCOUNTS,
  setBalances,
  stateOf,
  validate,
  waitingForConfirmation,
} from './support.js';

/** Runs a no-proof withdraw application to FINISH (WITHDRAW_SUCCEED). */
function finishOne(h: ReturnType<typeof cancelHarness>, overrides: Record<string, unknown> = {}) {
  const { applyment_id } = waitingForConfirmation(h, overrides);
  confirm(h, confirmBody({ applyment_id }));
  h.advanceBy(3 * ASYNC_STEP_MS);
  return applyment_id;
}

describe('cancelWithdraws.validate', () => {
  it('a sub-merchant without applications: NORMAL, ALLOW_CANCEL_WITHDRAW, its balances, no block_reasons', () => {
    const h = cancelHarness();
    expect(validate(h)).toEqual({
      sub_mchid: SUB_A,
      merchant_state: 'NORMAL',
      validate_result: 'ALLOW_CANCEL_WITHDRAW',
      account_info: STARTING_ACCOUNTS,
    });
  });

  it('reports balances set through the control API', () => {
    const h = cancelHarness();
    setBalances(h, SUB_A, [
      { out_account_type: 'MARGIN_ACCOUNT', amount: 5 },
      { out_account_type: 'BASIC_ACCOUNT', amount: 7 },
    ]);
    expect(validate(h)['account_info']).toEqual([
      { out_account_type: 'BASIC_ACCOUNT', amount: 7 },
      { out_account_type: 'MARGIN_ACCOUNT', amount: 5 },
    ]);
  });

  it('NOT_ALLOW while an application is in progress, naming it', () => {
    const h = cancelHarness();
    const { applyment_id } = apply(h);
    const result = validate(h);
    expect(result).toMatchObject({ merchant_state: 'NORMAL', validate_result: 'NOT_ALLOW_CANCEL_WITHDRAW' });
    expect(result['block_reasons']).toEqual([
      { type: 'OTHER_REASON', description: `已有处理中的注销申请单${applyment_id}（ACCEPTED）` },
    ]);
    expect(validate(h, SUB_B)['validate_result']).toBe('ALLOW_CANCEL_WITHDRAW');
  });

  it('HAS_BEEN_CANCELLED and NOT_ALLOW after cancellation; FUNDS_PENDING_PROCESSING while paying out', () => {
    const h = cancelHarness();
    const { applyment_id } = waitingForConfirmation(h);
    confirm(h, confirmBody({ applyment_id }));
    h.advanceBy(2 * ASYNC_STEP_MS);
    expect(stateOf(h, applyment_id)).toBe('FUND_PROCESSING');
    expect(validate(h)).toMatchObject({
      merchant_state: 'HAS_BEEN_CANCELLED',
      validate_result: 'NOT_ALLOW_CANCEL_WITHDRAW',
      block_reasons: [
        { type: 'OTHER_REASON', description: expect.stringContaining('二级商户号已注销') },
        { type: 'FUNDS_PENDING_PROCESSING', description: expect.stringContaining(applyment_id) },
      ],
    });
    h.advanceBy(ASYNC_STEP_MS);
    expect(validate(h)).toMatchObject({
      merchant_state: 'HAS_BEEN_CANCELLED',
      validate_result: 'NOT_ALLOW_CANCEL_WITHDRAW',
      block_reasons: [{ type: 'OTHER_REASON' }],
    });
  });

  it('ALLOW again after a rejected application', () => {
    const h = cancelHarness();
    const { applyment_id } = inReview(h);
    act(h, 'reject', applyment_id, { reason: '材料不清晰' });
    expect(validate(h)).toMatchObject({ merchant_state: 'NORMAL', validate_result: 'ALLOW_CANCEL_WITHDRAW' });
  });
});

describe('cancelWithdraws.apply', () => {
  it('answers applyment_id and out_request_no; the application starts ACCEPTED', () => {
    const h = cancelHarness();
    const answer = apply(h);
    expect(Object.keys(answer)).toEqual(['applyment_id', 'out_request_no']);
    expect(answer.out_request_no).toBe('P202410241010125346');
    expect(getById(h, answer.applyment_id)).toEqual({
      applyment_id: answer.applyment_id,
      out_request_no: 'P202410241010125346',
      sub_mchid: SUB_A,
      cancel_state: 'ACCEPTED',
      cancel_state_description: '注销申请已受理',
      withdraw: 'APPLY_WITHDRAW',
      modify_time: '2025-05-20T12:00:00.000+08:00',
      account_info: STARTING_ACCOUNTS,
    });
  });

  it('schedules the review step asyncStepMs later', () => {
    const h = cancelHarness();
    const { applyment_id } = apply(h);
    expect(h.timers()).toEqual([
      expect.objectContaining({
        family: 'cancelWithdraws',
        kind: 'review',
        ref: applyment_id,
        dueAt: START_MS + ASYNC_STEP_MS,
      }),
    ]);
  });

  it('cancel only (no withdraw field): no withdraw echo, no account_info', () => {
    const h = cancelHarness();
    const { withdraw: _w, payee_info: _p, ...body } = applyBody();
    const { applyment_id } = h.call('cancelWithdraws.apply', { caller: PLATFORM, body }).body as {
      applyment_id: string;
    };
    const entity = getById(h, applyment_id);
    expect(entity).not.toHaveProperty('withdraw');
    expect(entity).not.toHaveProperty('account_info');
  });

  it('same out_request_no and the same decrypted content (any key order) answers the same application', () => {
    const h = cancelHarness();
    const first = apply(h);
    const reordered = Object.fromEntries(Object.entries(applyBody()).reverse());
    expect(h.call('cancelWithdraws.apply', { caller: PLATFORM, body: reordered })).toEqual({
      status: 200,
      body: first,
    });
    expect(h.timers()).toHaveLength(1);
  });

  it('the idempotent repeat still answers after the application moved on', () => {
    const h = cancelHarness();
    const first = apply(h);
    h.advanceBy(ASYNC_STEP_MS);
    expect(apply(h)).toEqual(first);
  });

  it('same out_request_no with different content is 400 ALREADY_EXISTS', () => {
    const h = cancelHarness();
    apply(h);
    const changed = applyBody();
    (
      changed['payee_info'] as { bank_account_info: { account_number: string } }
    ).bank_account_info.account_number = '6222020202020209999';
    const error = expectApiError(
      () => h.call('cancelWithdraws.apply', { caller: PLATFORM, body: changed }),
      400,
      'ALREADY_EXISTS',
    );
    expect(error.detail).toMatchObject({ field: '/out_request_no', value: 'P202410241010125346' });
    expect(error.message).toContain('use a new out_request_no');
  });

  it('another application in progress for the sub-merchant is 400 INVALID_REQUEST', () => {
    const h = cancelHarness();
    const { applyment_id } = apply(h);
    const error = expectApiError(() => apply(h, { out_request_no: 'P2' }), 400, 'INVALID_REQUEST');
    expect(error.message).toContain(applyment_id);
    expect(apply(h, { out_request_no: 'P3', sub_mchid: SUB_B }).out_request_no).toBe('P3');
  });

  it('after cancellation only a repeat withdrawal may be applied for', () => {
    const h = cancelHarness();
    finishOne(h);
    const error = expectApiError(
      () => apply(h, { out_request_no: 'P2', withdraw: 'NOT_APPLY_WITHDRAW' }),
      400,
      'INVALID_REQUEST',
    );
    expect(error.message).toContain('already been cancelled');
  });

  it('a repeat withdrawal is reviewed by a person and approval goes straight to fund processing', () => {
    const h = cancelHarness();
    setBalances(h, SUB_A, [{ out_account_type: 'BASIC_ACCOUNT', amount: 100 }]);
    const first = waitingForConfirmation(h).applyment_id;
    confirm(h, confirmBody({ applyment_id: first }));
    h.advanceBy(2 * ASYNC_STEP_MS);
    act(h, 'withdraw-fail', first);
    expect(getById(h, first)).toMatchObject({ cancel_state: 'FINISH', withdraw_state: 'WITHDRAW_EXCEPTION' });
    const { applyment_id } = apply(h, { out_request_no: 'P2' });
    h.advanceBy(ASYNC_STEP_MS);
    expect(stateOf(h, applyment_id)).toBe('REVIEWING');
    act(h, 'approve', applyment_id);
    expect(getById(h, applyment_id)).toMatchObject({
      cancel_state: 'FUND_PROCESSING',
      withdraw_state: 'WITHDRAW_PROCESSING',
      account_info: [{ out_account_type: 'BASIC_ACCOUNT', amount: 100 }],
    });
  });

  it('keeps no payee plaintext: not in the answers, not in the database, not in the control view', () => {
    const h = cancelHarness();
    const { applyment_id } = apply(h, { out_request_no: 'P1', payee_info: personalPayee() });
    const dump = JSON.stringify([
      h.db.prepare('SELECT * FROM cancel_withdraw_applications').all(),
      getById(h, applyment_id),
      getByNo(h, 'P1'),
      cancelWithdrawsFamily.inspect.list(h.deps, {}),
    ]);
    for (const secret of Object.values(PAYEE_PLAINTEXT)) expect(dump).not.toContain(secret);
    expect(cancelWithdrawsFamily.inspect.list(h.deps, { mchid: PLATFORM })[0]).toMatchObject({
      payee: {
        account_type: 'ACCOUNT_TYPE_PERSONAL',
        account_bank: '工商银行',
        account_number_tail: '2020',
        id_doc_type: 'IDENTIFICATION_TYPE_ID_CARD',
      },
    });
  });
});

describe('cancelWithdraws.get / cancelWithdraws.getByApplymentId', () => {
  it('both answer the same entity', () => {
    const h = cancelHarness();
    const { applyment_id } = waitingForConfirmation(h);
    expect(getByNo(h)).toEqual(getById(h, applyment_id));
  });

  it('confirm_cancel.confirm_cancel_url appears only while WAITING_MERCHANT_CONFIRM', () => {
    const h = cancelHarness();
    const { applyment_id } = apply(h);
    expect(getById(h, applyment_id)).not.toHaveProperty('confirm_cancel');
    h.advanceBy(ASYNC_STEP_MS);
    const waiting = getById(h, applyment_id);
    expect(waiting['cancel_state']).toBe('WAITING_MERCHANT_CONFIRM');
    expect(waiting['confirm_cancel']).toEqual({
      confirm_cancel_url: expect.stringMatching(
        /^https:\/\/pay\.weixin\.qq\.com\/.+\?token=[A-Za-z0-9_-]{16,}$/,
      ),
    });
    act(h, 'staff-confirm', applyment_id);
    expect(getById(h, applyment_id)).not.toHaveProperty('confirm_cancel');
  });

  it('are 404 NOT_FOUND for unknown ids', () => {
    const h = cancelHarness();
    expect(expectApiError(() => getByNo(h, 'nosuch'), 404, 'NOT_FOUND').detail).toMatchObject({
      field: 'out_request_no',
      location: 'url',
    });
    expect(expectApiError(() => getById(h, '999'), 404, 'NOT_FOUND').message).toBe('申请单不存在');
  });

  it('are 404 for another platform’s application', () => {
    const h = cancelHarness();
    const theirs = h.call('cancelWithdraws.apply', {
      caller: OTHER_PLATFORM,
      body: applyBody({ sub_mchid: OTHER_SUB }),
    }).body as { applyment_id: string };
    expectApiError(() => getById(h, theirs.applyment_id), 404, 'NOT_FOUND');
    expectApiError(() => getByNo(h), 404, 'NOT_FOUND');
  });

  it('never change state', () => {
    const h = cancelHarness();
    const { applyment_id } = apply(h);
    h.clock.set(START_MS + 100 * ASYNC_STEP_MS);
    expect(stateOf(h, applyment_id)).toBe('ACCEPTED');
  });
});
