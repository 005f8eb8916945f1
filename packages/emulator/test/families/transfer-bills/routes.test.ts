import { describe, expect, it } from 'vitest';
import {
  errorOf,
  OTHER_SERVICE_PROVIDER,
  OTHER_SUB_MERCHANT,
  SECOND_SUB_MERCHANT,
  SERVICE_PROVIDER,
  START_MS,
  SUB_MERCHANT,
} from '../support/family-harness.js';
import {
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
  stateOf,
} from './support.js';

const DAY = 24 * 60 * 60 * 1000;

describe('transferBills.partnerCreate', () => {
  it('accepts the bill: ACCEPTED, a 40-digit transfer_bill_no, package_info, and the first async step', () => {
    const env = environment();
    const result = create(env);
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      sub_mchid: SUB_MERCHANT,
      out_bill_no: OUT_BILL_NO,
      transfer_bill_no: expect.stringMatching(/^1330\d{36}$/),
      create_time: '2025-05-20T12:00:00.000+08:00',
      state: 'ACCEPTED',
      package_info: expect.stringMatching(/^[A-Za-z0-9+/]{40,}={0,2}$/),
    });
    expect(env.timers()).toMatchObject([
      {
        family: 'transferBills',
        kind: 'accept',
        ref: `${SERVICE_PROVIDER}:${OUT_BILL_NO}`,
        dueAt: START_MS + 1000,
      },
    ]);
    expect(env.notifications()).toEqual([]);
  });

  it('answers a retry with the same content with the existing bill in its current state', () => {
    const env = environment();
    const first = body(create(env));
    env.advanceBy(2000);
    const reordered = Object.fromEntries(Object.entries(createBody()).reverse());
    const again = body(createExactly(env, reordered));
    expect(again).toEqual({ ...first, state: 'WAIT_USER_CONFIRM' });
    expect(env.timers().filter((t) => t.kind === 'accept')).toHaveLength(1);
  });

  it('refuses the same out_bill_no with different content: 400 INVALID_REQUEST', () => {
    const env = environment();
    create(env);
    const error = errorOf(() => create(env, { transfer_amount: 500 }));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain(`out_bill_no ${OUT_BILL_NO} was already used with different parameters`);
  });

  it('refuses the same out_bill_no for another sub-merchant of the same provider: 400 INVALID_REQUEST', () => {
    const env = environment();
    create(env);
    expect(errorOf(() => create(env, { sub_mchid: SECOND_SUB_MERCHANT })).code).toBe('INVALID_REQUEST');
  });

  it('answers 400 ALREADY_EXISTS once the bill is final', () => {
    const env = environment();
    create(env);
    cancel(env);
    env.advanceBy(1000);
    expect(stateOf(env)).toBe('CANCELLED');
    const error = errorOf(() => create(env));
    expect(error).toMatchObject({ status: 400, code: 'ALREADY_EXISTS' });
    expect(error.message).toContain('订单已存在');
    expect(error.message).toContain('is CANCELLED');
  });

  it('lets another service provider use the same out_bill_no', () => {
    const env = environment();
    create(env);
    expect(create(env, { sub_mchid: OTHER_SUB_MERCHANT }, OTHER_SERVICE_PROVIDER).status).toBe(200);
  });

  it.each([
    ['http://merchant.example.com/notify', 'must use https://'],
    ['https://merchant.example.com/notify?a=1', 'must not carry query parameters'],
    ['https://10.0.0.8/notify', 'publicly reachable'],
  ])('refuses notify_url %s: 400 PARAM_ERROR on /notify_url', (url, issue) => {
    const env = environment();
    const error = errorOf(() => create(env, { notify_url: url }));
    expect(error).toMatchObject({
      status: 400,
      code: 'PARAM_ERROR',
      detail: { field: '/notify_url', value: url },
    });
    expect(error.message).toContain(issue);
  });

  it('takes an http loopback notify_url when allowInsecureNotifyUrls is on, and no notify_url at all', () => {
    const env = environment({ allowInsecureNotifyUrls: true });
    expect(create(env, { notify_url: 'http://localhost:3000/notify' }).status).toBe(200);
    const { notify_url: _omitted, ...withoutUrl } = createBody({ out_bill_no: 'nourl1' });
    expect(createExactly(env, withoutUrl).status).toBe(200);
  });
});

describe('transferBills.partnerGet', () => {
  it('returns the bill entity of seed 004', () => {
    const env = environment();
    const created = body(create(env));
    const result = get(env);
    expect(result.body).toEqual({
      sub_mchid: SUB_MERCHANT,
      mchid: SERVICE_PROVIDER,
      out_bill_no: OUT_BILL_NO,
      transfer_bill_no: created['transfer_bill_no'],
      appid: 'wxf636efh567hg4356',
      state: 'ACCEPTED',
      transfer_amount: 400,
      transfer_remark: '新会员开通有礼',
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      create_time: '2025-05-20T12:00:00.000+08:00',
      update_time: '2025-05-20T12:00:00.000+08:00',
    });
  });

  it('returns user_name encrypted afresh for the caller, which decrypts it with its private key', () => {
    const env = environment();
    raiseQuotas(env);
    create(env, { transfer_amount: 300_000, user_name: '张三' });
    const first = body(get(env))['user_name'] as string;
    const second = body(get(env))['user_name'] as string;
    expect(first).not.toBe(second);
    expect(env.decryptForMerchant(first)).toBe('张三');
    expect(env.decryptForMerchant(second)).toBe('张三');
  });

  it('treats a retry with the same plaintext user_name as the same request', () => {
    const env = environment();
    raiseQuotas(env);
    create(env, { transfer_amount: 300_000, user_name: '张三' });
    expect(create(env, { transfer_amount: 300_000, user_name: '张三' }).status).toBe(200);
    expect(errorOf(() => create(env, { transfer_amount: 300_000, user_name: '李四' })).code).toBe(
      'INVALID_REQUEST',
    );
  });

  it('answers 404 NOT_FOUND 转账单不存在 for an unknown bill', () => {
    const env = environment();
    expect(errorOf(() => get(env, 'nosuchbill'))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      message: '转账单不存在',
    });
  });

  it('answers 404 when the sub_mchid does not own the bill', () => {
    const env = environment();
    create(env);
    expect(errorOf(() => get(env, OUT_BILL_NO, SECOND_SUB_MERCHANT)).code).toBe('NOT_FOUND');
  });

  it("answers 404 for another provider's bill", () => {
    const env = environment();
    create(env);
    expect(errorOf(() => get(env, OUT_BILL_NO, OTHER_SUB_MERCHANT, OTHER_SERVICE_PROVIDER)).code).toBe(
      'NOT_FOUND',
    );
  });

  it('never advances the bill, however late', () => {
    const env = environment();
    create(env);
    env.clock.advance(5 * DAY);
    expect(stateOf(env)).toBe('ACCEPTED');
  });
});

describe('transferBills.partnerCancel', () => {
  it.each([
    ['ACCEPTED', 0],
    ['PROCESSING', 1000],
    ['WAIT_USER_CONFIRM', 2000],
  ])('from %s: 200 with the entity in CANCELING (seed 004 shape)', (state, wait) => {
    const env = environment();
    raiseQuotas(env);
    create(env, { transfer_amount: 300_000, user_name: '张三' });
    env.advanceBy(wait);
    expect(stateOf(env)).toBe(state);
    env.clock.advance(500);
    const result = cancel(env);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      sub_mchid: SUB_MERCHANT,
      mchid: SERVICE_PROVIDER,
      out_bill_no: OUT_BILL_NO,
      appid: 'wxf636efh567hg4356',
      state: 'CANCELING',
      transfer_amount: 300_000,
      transfer_remark: '新会员开通有礼',
      create_time: '2025-05-20T12:00:00.000+08:00',
      update_time: expect.stringMatching(/^2025-05-20T12:00:0[0-2]\.\d{3}\+08:00$/),
    });
    expect(env.decryptForMerchant(body(result)['user_name'] as string)).toBe('张三');
  });

  it('is idempotent on CANCELING and CANCELLED: 200 with the current state, nothing new scheduled', () => {
    const env = environment();
    create(env);
    const first = body(cancel(env));
    const timers = env.timers().length;
    expect(body(cancel(env))).toEqual(first);
    expect(env.timers()).toHaveLength(timers);
    env.advanceBy(1000);
    expect(body(cancel(env))).toMatchObject({ state: 'CANCELLED', fail_reason: 'MCH_CANCEL' });
    expect(env.notifications()).toHaveLength(1);
  });

  it.each([
    ['TRANSFERING', ['confirm']],
    ['SUCCESS', ['confirm', 'succeed']],
    ['FAIL', ['confirm', 'fail']],
  ] as const)('refuses a bill in %s: 400 INVALID_REQUEST', (state, actions) => {
    const env = environment();
    create(env);
    env.advanceBy(2000);
    for (const action of actions) billAction(env, action, { fail_reason: 'PAYEE_ACCOUNT_ABNORMAL' });
    expect(stateOf(env)).toBe(state);
    const before = { timers: env.timers().length, notifications: env.notifications().length };
    const error = errorOf(() => cancel(env));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain(`is ${state}: it cannot be cancelled`);
    expect({ timers: env.timers().length, notifications: env.notifications().length }).toEqual(before);
  });

  it('answers 404 NOT_FOUND 转账单不存在 for an unknown bill or a sub_mchid that does not own it', () => {
    const env = environment();
    create(env);
    expect(errorOf(() => cancel(env, 'nosuchbill'))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      message: '转账单不存在',
    });
    expect(errorOf(() => cancel(env, OUT_BILL_NO, SECOND_SUB_MERCHANT)).code).toBe('NOT_FOUND');
    expect(stateOf(env)).toBe('ACCEPTED');
  });
});
