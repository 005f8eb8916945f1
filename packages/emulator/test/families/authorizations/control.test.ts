import { describe, expect, it } from 'vitest';
import { authorizationsFamily } from '../../../src/families/authorizations/index.js';
import { errorOf, ORDINARY } from '../support/family-harness.js';
import { apply, entity, environment, get, userAction } from './support.js';

describe('authorizations control actions', () => {
  it('are mounted with their actors', () => {
    expect(authorizationsFamily.control.map((a) => `${a.method} ${a.path} ${a.actor}`)).toEqual([
      'POST /:mchid/:out_authorization_no/confirm user',
      'POST /:mchid/:out_authorization_no/revoke user',
      'POST /:mchid/:out_authorization_no/risk-close system',
    ]);
  });

  it('confirm: TAKING_EFFECT with a 27-digit authorization_id, and a CONFIRMED notification', () => {
    const env = environment();
    apply(env);
    env.clock.advance(30_000);
    const result = userAction(env, 'confirm');
    const body = entity(result);
    expect(body).toMatchObject({
      state: 'TAKING_EFFECT',
      authorization_id: expect.stringMatching(/^2012\d{23}$/),
      authorize_time: '2025-05-20T12:00:30.000+08:00',
    });
    expect(entity(get(env))).toEqual(body);
    expect(env.notifications()).toEqual([
      expect.objectContaining({
        mchid: ORDINARY,
        url: 'https://merchant.example.com/authorization-notify',
        eventType: 'MCHTRANSFER.AUTHORIZATION.CONFIRMED',
        summary: '商家转账用户免确认收款授权确认通知',
        resource: {
          out_authorization_no: 'plfk2020042013',
          appid: 'wx8888888888888888',
          openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
          user_display_name: 'wx_123456',
          authorization_id: body['authorization_id'],
          state: 'TAKING_EFFECT',
          authorize_time: '2025-05-20T12:00:30.000+08:00',
        },
      }),
    ]);
  });

  it('confirm twice: 400 INVALID_REQUEST, nothing notified the second time', () => {
    const env = environment();
    apply(env);
    userAction(env, 'confirm');
    const error = errorOf(() => userAction(env, 'confirm'));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain('is TAKING_EFFECT: the user cannot confirm');
    expect(env.notifications()).toHaveLength(1);
  });

  it('revoke: CLOSED with USER_CLOSE and a CLOSED notification', () => {
    const env = environment();
    apply(env);
    userAction(env, 'confirm');
    env.clock.advance(1000);
    const body = entity(userAction(env, 'revoke'));
    expect(body).toMatchObject({
      state: 'CLOSED',
      close_info: { close_time: '2025-05-20T12:00:01.000+08:00', close_reason: 'USER_CLOSE' },
    });
    const last = env.notifications().at(-1)!;
    expect(last.eventType).toBe('MCHTRANSFER.AUTHORIZATION.CLOSED');
    expect(last.resource).toMatchObject({ state: 'CLOSED', close_info: { close_reason: 'USER_CLOSE' } });
  });

  it('revoke before the user agreed: 400 INVALID_REQUEST', () => {
    const env = environment();
    apply(env);
    expect(errorOf(() => userAction(env, 'revoke'))).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(entity(get(env)).state).toBe('WAIT_USER_CONFIRM');
  });

  it.each(['TRANSFER_RISK', 'USER_ACCOUNT_ABNORMAL'])(
    'risk-close %s: CLOSED without a notification',
    (reason) => {
      const env = environment();
      apply(env);
      userAction(env, 'confirm');
      const body = entity(userAction(env, 'risk-close', 'plfk2020042013', { close_reason: reason }));
      expect(body).toMatchObject({ state: 'CLOSED', close_info: { close_reason: reason } });
      expect(env.notifications().map((n) => n.eventType)).toEqual(['MCHTRANSFER.AUTHORIZATION.CONFIRMED']);
    },
  );

  it.each([[undefined], [{}], [{ close_reason: 'USER_CLOSE' }], [{ close_reason: 7 }]])(
    'risk-close with body %j: 400 PARAM_ERROR on /close_reason',
    (body) => {
      const env = environment();
      apply(env);
      userAction(env, 'confirm');
      expect(errorOf(() => userAction(env, 'risk-close', 'plfk2020042013', body))).toMatchObject({
        status: 400,
        code: 'PARAM_ERROR',
        detail: { field: '/close_reason', location: 'body' },
      });
      expect(entity(get(env)).state).toBe('TAKING_EFFECT');
    },
  );

  it('an unknown authorization: 404 NOT_FOUND naming merchant and number', () => {
    const env = environment();
    const error = errorOf(() => userAction(env, 'confirm', 'nosuchnumber'));
    expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(error.message).toContain(`merchant ${ORDINARY} has no authorization nosuchnumber`);
  });
});
