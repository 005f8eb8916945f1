import { formatTime } from '@wxpay-kit/emulator';
import type { OperationInput } from '@wxpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eHarness, startE2e } from './support/e2e-harness.js';
import {
  apiErrorOf,
  controlOk,
  DAY,
  eventsFor,
  mark,
  ms,
  outboxFor,
  type ResourceList,
  resourceErrors,
  responseErrors,
  START,
  uniqueNo,
} from './support-a/e2e-kit.js';

// Every row of families/authorizations/machine.ts driven through the signed HTTP API (SDK), the control API
// (the user's and WeChat Pay's side) and the virtual clock.

let h: E2eHarness;
let mchid: string;
let appid: string;

beforeAll(async () => {
  h = await startE2e({ clock: { mode: 'manual', start: START } });
  mchid = h.emulator.merchants.ordinary.mchid;
  appid = h.emulator.merchants.ordinary.appid;
});

afterAll(async () => {
  await h?.close();
});

const wxpay = () => h.sdk.ordinary;

function applyBody(
  overrides: Partial<OperationInput<'authorizations.apply'>> = {},
): OperationInput<'authorizations.apply'> {
  return {
    out_authorization_no: uniqueNo('auth'),
    appid,
    openid: `o-${uniqueNo('user')}`,
    transfer_scene_id: '1005',
    user_display_name: '张*',
    user_recv_perception: '劳务报酬',
    authorization_notify_url: h.receiver.url('ordinary'),
    ...overrides,
  };
}

async function applied(overrides: Partial<OperationInput<'authorizations.apply'>> = {}) {
  const body = applyBody(overrides);
  const answer = await wxpay().authorizations.apply(body);
  return { body, no: body.out_authorization_no, answer };
}

/** A user or WeChat Pay action from the control API; the raw status and body. */
function act(no: string, verb: 'confirm' | 'revoke' | 'risk-close', body?: unknown) {
  return h.control('POST', `/authorizations/${mchid}/${no}/${verb}`, body);
}

async function actOk(no: string, verb: 'confirm' | 'revoke' | 'risk-close', body?: unknown) {
  const result = await act(no, verb, body);
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.body;
}

const get = (no: string) => wxpay().authorizations.get({ out_authorization_no: no });
const close = (no: string) => wxpay().authorizations.close({ out_authorization_no: no });

describe('authorizations: apply and the user agreeing', () => {
  it('authorizations.apply answers WAIT_USER_CONFIRM; the user confirms → TAKING_EFFECT with a verified CONFIRMED notification', async () => {
    const since = mark(h);
    const { body, no, answer } = await applied();
    expect(answer).toEqual({
      out_authorization_no: no,
      state: 'WAIT_USER_CONFIRM',
      create_time: formatTime(h.emulator.clock.now()),
      package_info: expect.stringMatching(/^[A-Za-z0-9+/]{40,}={0,2}$/),
    });
    expect(responseErrors('authorizations.apply', answer)).toEqual([]);
    const pending = await get(no);
    expect(responseErrors('authorizations.get', pending)).toEqual([]);
    expect(pending).toEqual({
      out_authorization_no: no,
      appid,
      openid: body.openid,
      user_display_name: '张*',
      state: 'WAIT_USER_CONFIRM',
      transfer_scene_id: '1005',
      user_recv_perception: '劳务报酬',
      create_time: answer.create_time,
    });
    expect(await eventsFor(h, since, no)).toEqual([]);

    await h.advance(90);
    const confirmed = await actOk(no, 'confirm');
    const effective = await get(no);
    expect(effective).toMatchObject({
      state: 'TAKING_EFFECT',
      authorization_id: expect.stringMatching(/^\d{27}$/),
      authorize_time: expect.any(String),
    });
    expect(responseErrors('authorizations.get', effective)).toEqual([]);
    expect(ms(effective.authorize_time)).toBe(ms(answer.create_time) + 90_000);
    expect(confirmed).toEqual(effective);

    const [event, ...more] = await eventsFor(h, since, no);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      event_type: 'MCHTRANSFER.AUTHORIZATION.CONFIRMED',
      resource_type: 'encrypt-resource',
      original_type: 'mch_payment',
      summary: '商家转账用户免确认收款授权确认通知',
    });
    expect(event?.resource).toEqual({
      out_authorization_no: no,
      appid,
      openid: body.openid,
      user_display_name: '张*',
      authorization_id: effective.authorization_id,
      state: 'TAKING_EFFECT',
      authorize_time: effective.authorize_time,
    });
    expect(resourceErrors('authorizations', event?.resource)).toEqual([]);
    const [outbox] = await outboxFor(h, no);
    expect(outbox).toMatchObject({ state: 'delivered', eventId: event?.id, attemptsMade: 1 });
  });

  it('authorizations.apply with the same body (any key order) returns the same record; nothing new is created', async () => {
    const { body, no, answer } = await applied();
    await h.advance(60);
    const reordered = Object.fromEntries(Object.entries(body).reverse()) as typeof body;
    expect(await wxpay().authorizations.apply(reordered)).toEqual(answer);
    expect(await wxpay().authorizations.apply(body)).toEqual(answer);
    const listed = await controlOk<ResourceList>(h, 'GET', `/resources/authorizations?mchid=${mchid}`);
    expect(listed.items.filter((item) => item['out_authorization_no'] === no)).toHaveLength(1);
  });

  it('authorizations.apply with the same number and a different body → 400 INVALID_REQUEST', async () => {
    const { body, no } = await applied();
    const error = await apiErrorOf(wxpay().authorizations.apply({ ...body, user_display_name: '李*' }));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST', operation: 'authorizations.apply' });
    expect(error.message).toContain(`${no} was already used with different parameters`);
    expect(error.requestId).toMatch(/^[0-9A-F]{44}-0$/);
    expect((await get(no)).user_display_name).toBe('张*');
  });

  it('authorizations.apply with the same body once the user agreed → 400 INVALID_REQUEST', async () => {
    const { body, no } = await applied();
    await actOk(no, 'confirm');
    const error = await apiErrorOf(wxpay().authorizations.apply(body));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain('当前申请单已解除或已授权成功');
    expect(error.message).toContain('is TAKING_EFFECT');
  });

  it('authorizations.apply allows 5 open authorizations per user and scene; the 6th → 400 INVALID_REQUEST until one closes', async () => {
    const openid = `o-${uniqueNo('limit')}`;
    const five = [];
    for (let i = 0; i < 5; i++) five.push(await applied({ openid }));
    await actOk(five[0]!.no, 'confirm'); // TAKING_EFFECT still counts as open
    const sixth = applyBody({ openid });
    const error = await apiErrorOf(wxpay().authorizations.apply(sixth));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
    expect(error.message).toContain('用户在当前场景下的授权数量达到限制，不支持发起授权');
    expect(error.message).toContain(`transfer_scene_id 1005; at most 5`);
    await apiErrorOf(get(sixth.out_authorization_no)).then((e) => expect(e.status).toBe(404));

    // Another scene for the same user is a separate quota.
    expect((await applied({ openid, transfer_scene_id: '1000' })).answer.state).toBe('WAIT_USER_CONFIRM');
    // Closing one (the one in effect: only those can be closed) frees a slot.
    await close(five[0]!.no);
    expect((await wxpay().authorizations.apply(sixth)).state).toBe('WAIT_USER_CONFIRM');
    await apiErrorOf(wxpay().authorizations.apply(applyBody({ openid }))).then((e) =>
      expect(e.code).toBe('INVALID_REQUEST'),
    );
  });

  it('authorizations.apply and partnerApply check the scenes the applicant has (set through the control API) → 400 INVALID_REQUEST 你尚未获取该转账场景', async () => {
    const sp = h.emulator.merchants.serviceProvider;
    const partnerBody = () => ({
      out_authorization_no: uniqueNo('pauth'),
      appid: sp.appid,
      openid: `o-${uniqueNo('user')}`,
      transfer_scene_id: '1005',
      user_display_name: '李*',
      notify_url: h.receiver.url('serviceProvider'),
    });
    try {
      await controlOk(h, 'POST', `/transfer-bills/rules/${mchid}`, { transfer_scene_ids: ['1000'] });
      await controlOk(h, 'POST', `/transfer-bills/rules/${sp.mchid}`, { transfer_scene_ids: ['1000'] });
      const refused = await apiErrorOf(wxpay().authorizations.apply(applyBody()));
      expect(refused).toMatchObject({
        status: 400,
        code: 'INVALID_REQUEST',
        detail: { field: '/transfer_scene_id', value: '1005' },
      });
      expect(refused.message).toContain('你尚未获取该转账场景');
      const partnerRefused = await apiErrorOf(
        h.sdk.serviceProvider.authorizations.partnerApply(partnerBody()),
      );
      expect(partnerRefused).toMatchObject({ status: 400, code: 'INVALID_REQUEST' });
      expect(partnerRefused.message).toContain('你尚未获取该转账场景');
      const allowed = await wxpay().authorizations.apply(
        applyBody({ transfer_scene_id: '1000', user_recv_perception: '现金奖励' }),
      );
      expect(allowed.state).toBe('WAIT_USER_CONFIRM');
      // A service provider has scenes, not quotas.
      const quota = await h.control('POST', `/transfer-bills/rules/${sp.mchid}`, { per_day: 100 });
      expect(quota.status).toBe(400);
    } finally {
      await controlOk(h, 'POST', `/transfer-bills/rules/${mchid}`, { transfer_scene_ids: null });
      await controlOk(h, 'POST', `/transfer-bills/rules/${sp.mchid}`, { transfer_scene_ids: null });
    }
    expect((await h.sdk.serviceProvider.authorizations.partnerApply(partnerBody())).state).toBe(
      'WAIT_USER_CONFIRM',
    );
  });

  it('the user confirming twice → control 400 INVALID_REQUEST, one notification only', async () => {
    const since = mark(h);
    const { no } = await applied();
    await actOk(no, 'confirm');
    const again = await act(no, 'confirm');
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(again.body.message).toContain('is TAKING_EFFECT: the user cannot confirm');
    expect((await eventsFor(h, since, no)).map((e) => e.event_type)).toEqual([
      'MCHTRANSFER.AUTHORIZATION.CONFIRMED',
    ]);
  });
});

describe('authorizations.close', () => {
  it('authorizations.close closes a TAKING_EFFECT authorization and notifies CLOSED', async () => {
    const since = mark(h);
    const { no } = await applied();
    await actOk(no, 'confirm');
    const effective = await get(no);
    await h.advance(120);
    const closed = await close(no);
    expect(closed).toEqual({
      ...effective,
      state: 'CLOSED',
      close_info: { close_time: expect.any(String), close_reason: 'CLOSE_VIA_MCH_API' },
    });
    expect(responseErrors('authorizations.close', closed)).toEqual([]);
    expect(ms(closed.close_info?.close_time)).toBe(h.emulator.clock.now());
    expect(await get(no)).toEqual(closed);
    const events = await eventsFor(h, since, no);
    expect(events.map((e) => e.event_type)).toEqual([
      'MCHTRANSFER.AUTHORIZATION.CONFIRMED',
      'MCHTRANSFER.AUTHORIZATION.CLOSED',
    ]);
    expect(events[1]?.summary).toBe('商家转账用户免确认收款授权关闭通知');
    expect(events[1]?.resource).toEqual({
      out_authorization_no: no,
      appid,
      openid: effective.openid,
      user_display_name: '张*',
      authorization_id: effective.authorization_id,
      state: 'CLOSED',
      authorize_time: effective.authorize_time,
      close_info: closed.close_info,
    });
    expect(resourceErrors('authorizations', events[1]?.resource)).toEqual([]);
    expect(events[1]?.id).not.toBe(events[0]?.id);
  });

  it('authorizations.close of a WAIT_USER_CONFIRM authorization → 400 INVALID_REQUEST: only an authorization in effect can be closed', async () => {
    const since = mark(h);
    const { no } = await applied();
    const error = await apiErrorOf(close(no));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_REQUEST', operation: 'authorizations.close' });
    expect(error.message).toContain('is WAIT_USER_CONFIRM: cannot be closed (allowed in TAKING_EFFECT');
    expect((await get(no)).state).toBe('WAIT_USER_CONFIRM');
    expect(await eventsFor(h, since, no)).toEqual([]);
    // The user can still agree; then the close works and answers authorization_id and authorize_time (seed 000).
    await actOk(no, 'confirm');
    const closed = await close(no);
    expect(closed).toMatchObject({
      state: 'CLOSED',
      authorization_id: expect.stringMatching(/^2012\d{23}$/),
      authorize_time: expect.any(String),
      close_info: { close_reason: 'CLOSE_VIA_MCH_API' },
    });
    expect(responseErrors('authorizations.close', closed)).toEqual([]);
  });

  it('authorizations.close repeated returns the record unchanged (same close_time) and notifies once', async () => {
    const since = mark(h);
    const { no } = await applied();
    await actOk(no, 'confirm');
    const first = await close(no);
    await h.advance(3600);
    const second = await close(no);
    expect(second).toEqual(first);
    expect(await close(no)).toEqual(first);
    const events = await eventsFor(h, since, no);
    expect(events.map((e) => e.event_type)).toEqual([
      'MCHTRANSFER.AUTHORIZATION.CONFIRMED',
      'MCHTRANSFER.AUTHORIZATION.CLOSED',
    ]);
  });

  it('authorizations.close after the user revoked → 400 INVALID_REQUEST naming USER_CLOSE', async () => {
    const { no } = await applied();
    await actOk(no, 'confirm');
    await actOk(no, 'revoke');
    const error = await apiErrorOf(close(no));
    expect(error.status).toBe(400);
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toContain('close_reason USER_CLOSE');
    expect(error.requestId).toMatch(/^[0-9A-F]{44}-0$/);
    expect(error.headers['request-id']).toBe(error.requestId);
    expect((await get(no)).close_info?.close_reason).toBe('USER_CLOSE');
  });

  it('authorizations.close of an unknown number → 404 NOT_FOUND', async () => {
    const error = await apiErrorOf(close(uniqueNo('nope')));
    expect(error).toMatchObject({ status: 404, code: 'NOT_FOUND', operation: 'authorizations.close' });
  });
});

describe('authorizations: the user and WeChat Pay closing', () => {
  it('the user revoking a TAKING_EFFECT authorization → CLOSED USER_CLOSE and a CLOSED notification', async () => {
    const since = mark(h);
    const { no } = await applied();
    await actOk(no, 'confirm');
    await h.advance(10);
    const revoked = await actOk(no, 'revoke');
    expect(revoked).toMatchObject({ state: 'CLOSED', close_info: { close_reason: 'USER_CLOSE' } });
    expect(ms(revoked.close_info.close_time)).toBe(h.emulator.clock.now());
    expect(await get(no)).toEqual(revoked);
    const events = await eventsFor(h, since, no);
    expect(events.map((e) => [e.event_type, e.resource['close_info']?.close_reason])).toEqual([
      ['MCHTRANSFER.AUTHORIZATION.CONFIRMED', undefined],
      ['MCHTRANSFER.AUTHORIZATION.CLOSED', 'USER_CLOSE'],
    ]);
  });

  it('the user revoking before agreeing → control 400 INVALID_REQUEST; the authorization stays WAIT_USER_CONFIRM', async () => {
    const { no } = await applied();
    const result = await act(no, 'revoke');
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ code: 'INVALID_REQUEST' });
    expect((await get(no)).state).toBe('WAIT_USER_CONFIRM');
  });

  it.each(['TRANSFER_RISK', 'USER_ACCOUNT_ABNORMAL'] as const)(
    'a risk close (%s) closes a TAKING_EFFECT authorization without notifying',
    async (reason) => {
      const since = mark(h);
      const { no } = await applied();
      await actOk(no, 'confirm');
      const closed = await actOk(no, 'risk-close', { close_reason: reason });
      expect(closed).toMatchObject({ state: 'CLOSED', close_info: { close_reason: reason } });
      expect((await get(no)).close_info?.close_reason).toBe(reason);
      expect((await eventsFor(h, since, no)).map((e) => e.event_type)).toEqual([
        'MCHTRANSFER.AUTHORIZATION.CONFIRMED',
      ]);
      // Only a close made through the API is idempotent; this one is refused.
      expect((await apiErrorOf(close(no))).code).toBe('INVALID_REQUEST');
    },
  );

  it('a risk close with an unknown reason → control 400 PARAM_ERROR naming close_reason; before agreeing → 400 INVALID_REQUEST', async () => {
    const { no } = await applied();
    const bad = await act(no, 'risk-close', { close_reason: 'CLOSE_VIA_MCH_API' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'PARAM_ERROR', detail: { field: '/close_reason' } });
    const early = await act(no, 'risk-close', { close_reason: 'TRANSFER_RISK' });
    expect(early.status).toBe(400);
    expect(early.body.code).toBe('INVALID_REQUEST');
    expect((await get(no)).state).toBe('WAIT_USER_CONFIRM');
  });

  it('a control action on an unknown authorization → 404 NOT_FOUND', async () => {
    const result = await act(uniqueNo('nope'), 'confirm');
    expect(result.status).toBe(404);
    expect(result.body.code).toBe('NOT_FOUND');
  });
});

describe('authorizations: timers on the virtual clock', () => {
  it('an authorization not agreed to is still WAIT_USER_CONFIRM at 24 h − 1 s and CLOSED USER_OVERDUE_UNCONFIRMED at 24 h, without a notification', async () => {
    const since = mark(h);
    const { no, answer } = await applied();
    await h.advance(DAY - 1);
    expect((await get(no)).state).toBe('WAIT_USER_CONFIRM');
    await h.advance(1);
    const closed = await get(no);
    expect(closed).toMatchObject({
      state: 'CLOSED',
      close_info: { close_reason: 'USER_OVERDUE_UNCONFIRMED' },
    });
    expect(ms(closed.close_info?.close_time)).toBe(ms(answer.create_time) + DAY * 1000);
    expect(await eventsFor(h, since, no)).toEqual([]);
    expect(await outboxFor(h, no)).toEqual([]);
    const confirm = await act(no, 'confirm');
    expect(confirm.status).toBe(400);
    expect(confirm.body.message).toContain('USER_OVERDUE_UNCONFIRMED');
    // Closed as overdue is not closed via the API: close is refused.
    expect((await apiErrorOf(close(no))).code).toBe('INVALID_REQUEST');
  });

  it('an authorization agreed to in time is not closed by the 24 h timer', async () => {
    const { no } = await applied();
    await h.advance(DAY - 1);
    await actOk(no, 'confirm');
    await h.advance(2 * DAY);
    expect((await get(no)).state).toBe('TAKING_EFFECT');
  });

  it('an overdue-closed authorization is purged 30 days after closing: get → 404, and the number can be applied again', async () => {
    const { body, no } = await applied();
    const { no: mchClosed } = await applied();
    await actOk(mchClosed, 'confirm');
    await close(mchClosed);
    await h.advance(DAY);
    expect((await get(no)).close_info?.close_reason).toBe('USER_OVERDUE_UNCONFIRMED');
    expect((await apiErrorOf(wxpay().authorizations.apply(body))).code).toBe('INVALID_REQUEST');

    await h.advance(30 * DAY - 1);
    expect((await get(no)).state).toBe('CLOSED');
    await h.advance(1);
    const gone = await apiErrorOf(get(no));
    expect(gone).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      message: expect.stringContaining('免确认收款授权不存在'),
    });
    // Only overdue records are purged.
    expect((await get(mchClosed)).close_info?.close_reason).toBe('CLOSE_VIA_MCH_API');

    const again = await wxpay().authorizations.apply(body);
    expect(again.state).toBe('WAIT_USER_CONFIRM');
    expect(ms(again.create_time)).toBe(h.emulator.clock.now());
    expect((await get(no)).state).toBe('WAIT_USER_CONFIRM');
  });
});

describe('authorizations.get', () => {
  it('authorizations.get of an unknown number → WechatPayApiError 404 NOT_FOUND with a Request-ID', async () => {
    const no = uniqueNo('unknown');
    const error = await apiErrorOf(get(no));
    expect(error.status).toBe(404);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('免确认收款授权不存在');
    expect(error.operation).toBe('authorizations.get');
    expect(error.method).toBe('GET');
    expect(error.url).toContain(`/out-authorization-no/${no}`);
    expect(error.requestId).toMatch(/^[0-9A-F]{44}-0$/);
    expect(error.retryable).toBe(false);
    expect(JSON.parse(error.body)).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('authorizations.get from a service provider → 403 NO_AUTH: authorizations are for ordinary merchants', async () => {
    const { no } = await applied();
    const error = await apiErrorOf(h.sdk.serviceProvider.authorizations.get({ out_authorization_no: no }));
    expect(error).toMatchObject({ status: 403, code: 'NO_AUTH', operation: 'authorizations.get' });
    expect(error.detail?.issue).toContain('is for a merchant');
  });
});
