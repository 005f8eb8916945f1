import { describe, expect, it } from 'vitest';
import { advance } from '../../../src/families/transfer-bills/advance.js';
import { transferBillsFamily } from '../../../src/families/transfer-bills/index.js';
import { DEFAULT_BALANCE, findBill } from '../../../src/families/transfer-bills/store.js';
import { errorOf, SERVICE_PROVIDER, START_MS, SUB_MERCHANT } from '../support/family-harness.js';
import {
  balance,
  billAction,
  body,
  cancel,
  create,
  createBody,
  createExactly,
  environment,
  get,
  OUT_BILL_NO,
  raiseQuotas,
  setBalance,
  stateOf,
} from './support.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const STEP = 1000;

describe('transferBills lifecycle (timers of settings.asyncStepMs)', () => {
  it('ACCEPTED → PROCESSING → WAIT_USER_CONFIRM locks the amount; confirm → TRANSFERING → SUCCESS pays it out', () => {
    const env = environment();
    const created = body(create(env));
    expect(env.advanceBy(STEP).map((t) => t.kind)).toEqual(['accept']);
    expect(stateOf(env)).toBe('PROCESSING');
    expect(balance(env)).toEqual({ sub_mchid: SUB_MERCHANT, available: DEFAULT_BALANCE, locked: 0 });
    env.advanceBy(STEP);
    expect(stateOf(env)).toBe('WAIT_USER_CONFIRM');
    expect(balance(env)).toMatchObject({ available: DEFAULT_BALANCE - 400, locked: 400 });
    env.clock.advance(60_000);
    expect(body(billAction(env, 'confirm'))).toMatchObject({
      state: 'TRANSFERING',
      update_time: '2025-05-20T12:01:02.000+08:00',
    });
    expect(env.notifications()).toEqual([]);
    env.advanceBy(STEP);
    expect(stateOf(env)).toBe('SUCCESS');
    expect(balance(env)).toMatchObject({ available: DEFAULT_BALANCE - 400, locked: 0 });
    expect(env.notifications()).toEqual([
      {
        mchid: SERVICE_PROVIDER,
        url: 'https://merchant.example.com/transfer-notify',
        eventType: 'MCHTRANSFER.BILL.FINISHED',
        summary: '商家转账单据终态通知',
        originalType: 'mch_payment',
        associatedData: 'mch_payment',
        family: 'transferBills',
        resourceKey: OUT_BILL_NO,
        at: START_MS + 2 * STEP + 60_000 + STEP,
        resource: {
          out_bill_no: OUT_BILL_NO,
          transfer_bill_no: created['transfer_bill_no'],
          state: 'SUCCESS',
          mchid: SERVICE_PROVIDER,
          sub_mchid: SUB_MERCHANT,
          transfer_amount: 400,
          openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
          create_time: '2025-05-20T12:00:00.000+08:00',
          update_time: '2025-05-20T12:01:03.000+08:00',
        },
      },
    ]);
  });

  it('follows settings.asyncStepMs', () => {
    const env = environment({ asyncStepMs: 50 });
    create(env);
    env.advanceBy(100);
    expect(stateOf(env)).toBe('WAIT_USER_CONFIRM');
  });

  it('fails an unconfirmed bill after 24 h with OVERDUE_CLOSE, returns the funds and notifies', () => {
    const env = environment();
    create(env);
    env.advanceBy(2 * STEP + DAY - 1);
    expect(stateOf(env)).toBe('WAIT_USER_CONFIRM');
    env.advanceBy(1);
    expect(body(get(env))).toMatchObject({
      state: 'FAIL',
      fail_reason: 'OVERDUE_CLOSE',
      update_time: '2025-05-21T12:00:02.000+08:00',
    });
    expect(balance(env)).toMatchObject({ available: DEFAULT_BALANCE, locked: 0 });
    expect(env.notifications().map((n) => n.resource)).toEqual([
      expect.objectContaining({ state: 'FAIL', fail_reason: 'OVERDUE_CLOSE' }),
    ]);
  });

  it('runs every step in due order, dated at its due time, when the timers run two days late', () => {
    const env = environment();
    create(env);
    env.clock.advance(2 * DAY);
    expect(env.runDue().map((t) => [t.kind, t.dueAt - START_MS])).toEqual([
      ['accept', STEP],
      ['lockFunds', 2 * STEP],
      ['confirmOverdue', 2 * STEP + DAY],
    ]);
    expect(body(get(env))).toMatchObject({ state: 'FAIL', update_time: '2025-05-21T12:00:02.000+08:00' });
  });

  describe('a sub-merchant short of funds', () => {
    it('keeps the bill in PROCESSING, then fails it after 24 h with OVERDUE_CLOSE', () => {
      const env = environment();
      setBalance(env, 399);
      create(env);
      env.advanceBy(2 * STEP);
      expect(stateOf(env)).toBe('PROCESSING');
      expect(balance(env)).toMatchObject({ available: 399, locked: 0 });
      env.advanceBy(DAY - 1);
      expect(stateOf(env)).toBe('PROCESSING');
      env.advanceBy(1);
      expect(body(get(env))).toMatchObject({ state: 'FAIL', fail_reason: 'OVERDUE_CLOSE' });
      expect(balance(env)).toMatchObject({ available: 399, locked: 0 });
      expect(env.notifications().map((n) => n.resource['state'])).toEqual(['FAIL']);
    });

    it('locks waiting bills oldest first when the balance is topped up, as far as it goes', () => {
      const env = environment();
      setBalance(env, 0);
      create(env, { out_bill_no: 'first' });
      create(env, { out_bill_no: 'second' });
      create(env, { out_bill_no: 'third' });
      env.advanceBy(2 * STEP);
      env.clock.advance(HOUR);
      const result = setBalance(env, 900);
      expect(result.body).toEqual({
        sub_mchid: SUB_MERCHANT,
        available: 100,
        locked: 800,
        funded_bills: ['first', 'second'],
      });
      expect(['first', 'second', 'third'].map((no) => stateOf(env, no))).toEqual([
        'WAIT_USER_CONFIRM',
        'WAIT_USER_CONFIRM',
        'PROCESSING',
      ]);
      // The 24 h funds deadline, counted from the first short attempt, fails only the bill still waiting.
      env.advanceBy(DAY - HOUR);
      expect(['first', 'second', 'third'].map((no) => stateOf(env, no))).toEqual([
        'WAIT_USER_CONFIRM',
        'WAIT_USER_CONFIRM',
        'FAIL',
      ]);
    });

    it('a top-up does not touch bills that have not tried to lock yet', () => {
      const env = environment();
      create(env);
      expect(body(setBalance(env, 5000))['funded_bills']).toEqual([]);
      expect(stateOf(env)).toBe('ACCEPTED');
    });
  });

  it('cancel from WAIT_USER_CONFIRM: CANCELLED with MCH_CANCEL, funds returned, one notification', () => {
    const env = environment();
    create(env);
    env.advanceBy(2 * STEP);
    cancel(env);
    expect(balance(env)).toMatchObject({ locked: 400 });
    env.advanceBy(STEP);
    expect(body(get(env))).toMatchObject({ state: 'CANCELLED', fail_reason: 'MCH_CANCEL' });
    expect(balance(env)).toMatchObject({ available: DEFAULT_BALANCE, locked: 0 });
    expect(env.notifications().map((n) => n.resource)).toEqual([
      expect.objectContaining({ state: 'CANCELLED', fail_reason: 'MCH_CANCEL' }),
    ]);
    // The 24 h confirm deadline of the cancelled bill does nothing.
    env.advanceBy(2 * DAY);
    expect(env.notifications()).toHaveLength(1);
  });

  it('cancel from ACCEPTED: the pending accept step does nothing and no funds move', () => {
    const env = environment();
    create(env);
    cancel(env);
    env.advanceBy(10 * STEP);
    expect(stateOf(env)).toBe('CANCELLED');
    expect(balance(env)).toMatchObject({ available: DEFAULT_BALANCE, locked: 0 });
  });

  it('sends no notification without notify_url', () => {
    const env = environment();
    const { notify_url: _omitted, ...withoutUrl } = createBody();
    createExactly(env, withoutUrl);
    env.advanceBy(2 * STEP);
    billAction(env, 'confirm');
    env.advanceBy(STEP);
    expect(stateOf(env)).toBe('SUCCESS');
    expect(env.notifications()).toEqual([]);
  });

  describe('the cancel / confirm race (each in its own transaction)', () => {
    it('cancel first, then the user confirms: TRANSFERING wins, pays out once, funds debited once', () => {
      const env = environment();
      create(env);
      env.advanceBy(2 * STEP);
      expect(body(cancel(env)).state).toBe('CANCELING');
      expect(body(billAction(env, 'confirm')).state).toBe('TRANSFERING');
      env.advanceBy(5 * STEP);
      expect(body(get(env))).toMatchObject({ state: 'SUCCESS' });
      expect(body(get(env))).not.toHaveProperty('fail_reason');
      expect(balance(env)).toMatchObject({ available: DEFAULT_BALANCE - 400, locked: 0 });
      expect(env.notifications().map((n) => n.resource['state'])).toEqual(['SUCCESS']);
    });

    it('the user confirms first, then cancel: 400 INVALID_REQUEST and the payout completes', () => {
      const env = environment();
      create(env);
      env.advanceBy(2 * STEP);
      billAction(env, 'confirm');
      expect(errorOf(() => cancel(env))).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
      env.advanceBy(5 * STEP);
      expect(stateOf(env)).toBe('SUCCESS');
      expect(balance(env)).toMatchObject({ available: DEFAULT_BALANCE - 400, locked: 0 });
      expect(env.notifications().map((n) => n.resource['state'])).toEqual(['SUCCESS']);
    });

    it('a write based on a stale read is refused and rolled back, never a lost update', () => {
      const env = environment();
      create(env);
      env.advanceBy(2 * STEP);
      const stale = findBill(env.deps.db, SERVICE_PROVIDER, OUT_BILL_NO)!;
      billAction(env, 'confirm');
      const timers = env.timers().length;
      expect(() =>
        env.inTransaction(() => advance(env.deps, stale, { type: 'cancel' }, env.clock.now())),
      ).toThrow('changed since it was read');
      expect(stateOf(env)).toBe('TRANSFERING');
      expect(env.timers()).toHaveLength(timers);
      expect(balance(env)).toMatchObject({ locked: 400 });
    });

    it('a cancel that completed first leaves nothing for the user to confirm', () => {
      const env = environment();
      create(env);
      env.advanceBy(2 * STEP);
      cancel(env);
      env.advanceBy(STEP);
      expect(errorOf(() => billAction(env, 'confirm')).message).toContain('is CANCELLED');
      expect(balance(env)).toMatchObject({ available: DEFAULT_BALANCE, locked: 0 });
    });

    it('the user cannot confirm a bill cancelled before it was shown to them', () => {
      const env = environment();
      create(env);
      cancel(env);
      const error = errorOf(() => billAction(env, 'confirm'));
      expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
      expect(error.message).toContain('cancelled before it reached WAIT_USER_CONFIRM');
    });
  });
});

describe('transferBills control actions', () => {
  it('are mounted with their actors', () => {
    expect(transferBillsFamily.control.map((a) => `${a.method} ${a.path} ${a.actor}`)).toEqual([
      'POST /:mchid/:out_bill_no/confirm user',
      'POST /:mchid/:out_bill_no/confirm-and-authorize user',
      'POST /:mchid/:out_bill_no/succeed system',
      'POST /:mchid/:out_bill_no/fail system',
      'POST /balances/:sub_mchid system',
      'GET /balances/:sub_mchid system',
      'POST /rules/:mchid system',
      'GET /rules/:mchid system',
    ]);
  });

  it('succeed settles the payout at once; the pending payout step then does nothing', () => {
    const env = environment();
    create(env);
    env.advanceBy(2 * STEP);
    billAction(env, 'confirm');
    expect(body(billAction(env, 'succeed')).state).toBe('SUCCESS');
    env.advanceBy(STEP);
    expect(env.notifications()).toHaveLength(1);
    expect(balance(env)).toMatchObject({ locked: 0 });
  });

  it('fail from TRANSFERING returns the funds and notifies FAIL with the reason', () => {
    const env = environment();
    create(env);
    env.advanceBy(2 * STEP);
    billAction(env, 'confirm');
    const result = body(billAction(env, 'fail', { fail_reason: 'PAYEE_ACCOUNT_ABNORMAL' }));
    expect(result).toMatchObject({ state: 'FAIL', fail_reason: 'PAYEE_ACCOUNT_ABNORMAL' });
    expect(balance(env)).toMatchObject({ available: DEFAULT_BALANCE, locked: 0 });
    expect(env.notifications().map((n) => n.resource)).toEqual([
      expect.objectContaining({ state: 'FAIL', fail_reason: 'PAYEE_ACCOUNT_ABNORMAL' }),
    ]);
  });

  it('fail from ACCEPTED (internal failure)', () => {
    const env = environment();
    create(env);
    expect(body(billAction(env, 'fail', { fail_reason: 'TRANSFER_RISK' }))).toMatchObject({ state: 'FAIL' });
    env.advanceBy(10 * STEP);
    expect(stateOf(env)).toBe('FAIL');
  });

  it.each([[undefined], [{}], [{ fail_reason: 'NOT_A_REASON' }], [{ fail_reason: 3 }]])(
    'fail with body %j: 400 PARAM_ERROR on /fail_reason',
    (failBody) => {
      const env = environment();
      create(env);
      expect(errorOf(() => billAction(env, 'fail', failBody))).toMatchObject({
        status: 400,
        code: 'PARAM_ERROR',
        detail: { field: '/fail_reason', location: 'body' },
      });
      expect(stateOf(env)).toBe('ACCEPTED');
    },
  );

  it('fail while waiting for the user: 400 INVALID_REQUEST (only the 24 h deadline fails it there)', () => {
    const env = environment();
    create(env);
    env.advanceBy(2 * STEP);
    expect(errorOf(() => billAction(env, 'fail', { fail_reason: 'TRANSFER_RISK' })).code).toBe(
      'INVALID_REQUEST',
    );
  });

  it('an unknown bill: 404 NOT_FOUND naming provider and number', () => {
    const env = environment();
    const error = errorOf(() => billAction(env, 'confirm', undefined, 'nosuchbill'));
    expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(error.message).toContain(`service provider ${SERVICE_PROVIDER} has no bill nosuchbill`);
  });

  it.each([[-1], [1.5], ['100'], [undefined]])('balance amount %j: 400 PARAM_ERROR on /amount', (amount) => {
    const env = environment();
    expect(errorOf(() => setBalance(env, amount))).toMatchObject({
      status: 400,
      code: 'PARAM_ERROR',
      detail: { field: '/amount' },
    });
  });

  it('balance of something that is not a sub-merchant: 404 NOT_FOUND', () => {
    const env = environment();
    for (const mchid of ['1999999999', SERVICE_PROVIDER]) {
      expect(errorOf(() => setBalance(env, 10, mchid)).code).toBe('NOT_FOUND');
      expect(errorOf(() => env.control('GET', '/balances/:sub_mchid', { sub_mchid: mchid })).code).toBe(
        'NOT_FOUND',
      );
    }
  });

  it('inspect lists bills by provider or sub-merchant, never with the payee name', () => {
    const env = environment();
    raiseQuotas(env);
    create(env, { transfer_amount: 300_000, user_name: '张三' });
    for (const mchid of [SERVICE_PROVIDER, SUB_MERCHANT, undefined]) {
      const listed = transferBillsFamily.inspect.list(env.deps, mchid === undefined ? {} : { mchid });
      expect(listed).toEqual([expect.objectContaining({ out_bill_no: OUT_BILL_NO, state: 'ACCEPTED' })]);
      expect(listed[0]).not.toHaveProperty('user_name');
    }
    expect(transferBillsFamily.inspect.list(env.deps, { mchid: '1999999999' })).toEqual([]);
  });
});
