import { describe, expect, it } from 'vitest';
import { errorOf, ORDINARY, SERVICE_PROVIDER, START_MS } from '../support/family-harness.js';
import { apply, applyBody, close, entity, environment, get, userAction } from './support.js';

const DAY = 24 * 60 * 60 * 1000;

describe('authorizations.apply', () => {
  it('answers WAIT_USER_CONFIRM with create_time and an opaque package_info, and starts the 24 h timer', () => {
    const env = environment();
    const result = apply(env);
    expect(result.status).toBe(200);
    expect(entity(result)).toEqual({
      out_authorization_no: 'plfk2020042013',
      state: 'WAIT_USER_CONFIRM',
      create_time: '2025-05-20T12:00:00.000+08:00',
      package_info: expect.stringMatching(/^[A-Za-z0-9+/]{40,}={0,2}$/),
    });
    expect(env.timers()).toMatchObject([
      { family: 'authorizations', kind: 'overdue', ref: `${ORDINARY}:plfk2020042013`, dueAt: START_MS + DAY },
    ]);
    expect(env.notifications()).toEqual([]);
  });

  it('returns the same record for the same body, whatever its key order, without a second timer', () => {
    const env = environment();
    const first = apply(env);
    env.clock.advance(60_000);
    const reordered = Object.fromEntries(Object.entries(applyBody()).reverse());
    const second = env.call('authorizations.apply', { caller: ORDINARY, body: reordered });
    expect(second.body).toEqual(first.body);
    expect(env.timers()).toHaveLength(1);
  });

  it('refuses the same number with a different body: 400 INVALID_REQUEST', () => {
    const env = environment();
    apply(env);
    const error = errorOf(() => apply(env, { user_display_name: 'someone_else' }));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain('plfk2020042013 was already used with different parameters');
    expect(error.message).toMatch(/^商户侧授权单号已存在但信息不一致/);
  });

  it('refuses the same body once the authorization is no longer pending: 400 INVALID_REQUEST', () => {
    const env = environment();
    apply(env);
    userAction(env, 'confirm');
    const error = errorOf(() => apply(env));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain('当前申请单已解除或已授权成功');
    expect(error.message).toContain('is TAKING_EFFECT');
  });

  it('allows at most 5 open authorizations per user and scene', () => {
    const env = environment();
    for (let i = 1; i <= 5; i++) apply(env, { out_authorization_no: `auth${i}` });
    const error = errorOf(() => apply(env, { out_authorization_no: 'auth6' }));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain('用户在当前场景下的授权数量达到限制，不支持发起授权');
    expect(errorOf(() => get(env, 'auth6')).code).toBe('NOT_FOUND');
    // Another scene, or another user, is counted separately.
    expect(apply(env, { out_authorization_no: 'auth7', transfer_scene_id: '1005' }).status).toBe(200);
    expect(apply(env, { out_authorization_no: 'auth8', openid: 'o-another-user' }).status).toBe(200);
    // TAKING_EFFECT still counts; CLOSED does not.
    userAction(env, 'confirm', 'auth1');
    expect(errorOf(() => apply(env, { out_authorization_no: 'auth6' })).code).toBe('INVALID_REQUEST');
    close(env, 'auth1');
    expect(apply(env, { out_authorization_no: 'auth6' }).status).toBe(200);
  });

  it.each([
    ['http://merchant.example.com/notify', 'must use https://'],
    ['https://merchant.example.com/notify?id=1', 'must not carry query parameters'],
    ['https://127.0.0.1/notify', 'publicly reachable'],
    ['https://localhost/notify', 'publicly reachable'],
    ['https://192.168.1.20/notify', 'publicly reachable'],
    ['merchant.example.com/notify', 'absolute URL'],
  ])('refuses authorization_notify_url %s: 400 PARAM_ERROR on the field', (url, issue) => {
    const env = environment();
    const error = errorOf(() => apply(env, { authorization_notify_url: url }));
    expect(error).toMatchObject({
      status: 400,
      code: 'PARAM_ERROR',
      detail: { field: '/authorization_notify_url', value: url, location: 'body' },
    });
    expect(error.message).toContain(issue);
    expect(env.timers()).toEqual([]);
  });

  it('accepts http and loopback notify URLs when allowInsecureNotifyUrls is on', () => {
    const env = environment({ allowInsecureNotifyUrls: true });
    expect(apply(env, { authorization_notify_url: 'http://127.0.0.1:8080/notify' }).status).toBe(200);
    expect(
      errorOf(() => apply(env, { out_authorization_no: 'x2', authorization_notify_url: 'ftp://h/n' })).code,
    ).toBe('PARAM_ERROR');
  });
});

describe('authorizations.get', () => {
  it('returns the entity of seed 001 and omits what is not set yet', () => {
    const env = environment();
    apply(env);
    const result = get(env);
    expect(result.body).toEqual({
      out_authorization_no: 'plfk2020042013',
      appid: 'wx8888888888888888',
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      user_display_name: 'wx_123456',
      state: 'WAIT_USER_CONFIRM',
      transfer_scene_id: '1000',
      user_recv_perception: '现金奖励',
      create_time: '2025-05-20T12:00:00.000+08:00',
    });
  });

  it('shows authorization_id and authorize_time once the user agreed', () => {
    const env = environment();
    apply(env);
    env.clock.advance(90_000);
    userAction(env, 'confirm');
    const body = entity(get(env));
    expect(body).toMatchObject({
      state: 'TAKING_EFFECT',
      authorization_id: expect.stringMatching(/^\d{27}$/),
      authorize_time: '2025-05-20T12:01:30.000+08:00',
    });
    expect(body).not.toHaveProperty('close_info');
  });

  it('answers 404 NOT_FOUND 免确认收款授权不存在 for an unknown number', () => {
    const env = environment();
    expect(errorOf(() => get(env, 'nosuchnumber'))).toEqual({
      status: 404,
      code: 'NOT_FOUND',
      message: '免确认收款授权不存在',
      detail: undefined,
    });
  });

  it("answers 404 for another merchant's number", () => {
    const env = environment();
    apply(env);
    expect(errorOf(() => get(env, 'plfk2020042013', SERVICE_PROVIDER)).code).toBe('NOT_FOUND');
  });

  it('never changes state, even long after the 24 h deadline when no timer ran', () => {
    const env = environment();
    apply(env);
    env.clock.advance(3 * DAY);
    expect(entity(get(env)).state).toBe('WAIT_USER_CONFIRM');
  });
});

describe('authorizations.close', () => {
  it('closes a TAKING_EFFECT authorization via the API and notifies CLOSED', () => {
    const env = environment();
    apply(env);
    userAction(env, 'confirm');
    env.clock.advance(5_000);
    const result = close(env);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      state: 'CLOSED',
      authorization_id: expect.stringMatching(/^\d{27}$/),
      close_info: { close_time: '2025-05-20T12:00:05.000+08:00', close_reason: 'CLOSE_VIA_MCH_API' },
    });
    const notification = env.notifications().at(-1)!;
    expect(notification).toMatchObject({
      mchid: ORDINARY,
      url: 'https://merchant.example.com/authorization-notify',
      eventType: 'MCHTRANSFER.AUTHORIZATION.CLOSED',
      originalType: 'mch_payment',
      associatedData: 'mch_payment',
      family: 'authorizations',
      resourceKey: 'plfk2020042013',
    });
    expect(notification.resource).toEqual({
      out_authorization_no: 'plfk2020042013',
      appid: 'wx8888888888888888',
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      user_display_name: 'wx_123456',
      authorization_id: (result.body as Record<string, unknown>)['authorization_id'],
      state: 'CLOSED',
      authorize_time: '2025-05-20T12:00:00.000+08:00',
      close_info: { close_time: '2025-05-20T12:00:05.000+08:00', close_reason: 'CLOSE_VIA_MCH_API' },
    });
  });

  it('refuses a WAIT_USER_CONFIRM authorization (nothing agreed yet to close): 400 INVALID_REQUEST', () => {
    const env = environment();
    apply(env);
    const error = errorOf(() => close(env));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain('is WAIT_USER_CONFIRM: cannot be closed');
    expect(entity(get(env)).state).toBe('WAIT_USER_CONFIRM');
    expect(env.notifications()).toEqual([]);
  });

  it('is idempotent on a record closed via the API: 200 with the record, no second notification', () => {
    const env = environment();
    apply(env);
    userAction(env, 'confirm');
    const first = close(env);
    env.clock.advance(60_000);
    const second = close(env);
    expect(second).toEqual(first);
    expect(env.notifications().map((n) => n.eventType)).toEqual([
      'MCHTRANSFER.AUTHORIZATION.CONFIRMED',
      'MCHTRANSFER.AUTHORIZATION.CLOSED',
    ]);
  });

  it.each([
    ['revoked by the user', 'USER_CLOSE'],
    ['closed by risk control', 'TRANSFER_RISK'],
  ])('refuses a record %s: 400 INVALID_REQUEST', (_label, reason) => {
    const env = environment();
    apply(env);
    userAction(env, 'confirm');
    if (reason === 'USER_CLOSE') userAction(env, 'revoke');
    else userAction(env, 'risk-close', 'plfk2020042013', { close_reason: reason });
    const before = env.notifications().length;
    const error = errorOf(() => close(env));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain(`is CLOSED (close_reason ${reason})`);
    expect(env.notifications()).toHaveLength(before);
  });

  it('answers 404 NOT_FOUND 免确认收款授权不存在 for an unknown number', () => {
    const env = environment();
    expect(errorOf(() => close(env, 'nosuchnumber'))).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      message: '免确认收款授权不存在',
    });
  });
});
