import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, START_MS } from '../support/framework-harness.js';

let h: Harness;
const deliveries: string[] = [];
beforeAll(async () => {
  h = await createHarness({
    rateLimits: false,
    fetch: async (input) => {
      deliveries.push(String(input));
      return new Response('{"code":"FAIL","message":"失败"}', { status: 500 });
    },
  });
});
afterAll(() => h.close());

const APPLY = '/v3/platsolution/ecommerce/recharges/apply';
const applyBody = (no: string, notifyUrl?: string) =>
  JSON.stringify({
    sub_mchid: h.credentials.merchants.platform.subMerchants[0]!.mchid,
    out_recharge_no: no,
    recharge_scene: 'ECOMMERCE_DEPOSIT',
    account_type: 'DEPOSIT',
    recharge_amount: { amount: 100, currency: 'CNY' },
    ...(notifyUrl ? { notify_url: notifyUrl } : {}),
  });

describe('control API access', () => {
  it('refuses a non-loopback client with 403 and says how to open it', async () => {
    const res = await h.control('GET', '/_emulator/merchants', undefined, '10.1.2.3');
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('FORBIDDEN');
    expect(res.json().message).toContain('10.1.2.3');
    expect(res.json().message).toContain("controlApi: 'open'");
  });

  it('answers IPv6 and IPv4-mapped loopback clients', async () => {
    expect((await h.control('GET', '/_emulator/clock', undefined, '::1')).statusCode).toBe(200);
    expect((await h.control('GET', '/_emulator/clock', undefined, '::ffff:127.0.0.1')).statusCode).toBe(200);
  });

  it("answers any client with the bearer token when controlApi is 'open', and no one without it", async () => {
    const token = 'team-token-0123456789abcdef';
    const open = await createHarness({ controlApi: 'open', controlToken: token });
    try {
      const bare = await open.control('GET', '/_emulator/clock', undefined, '10.1.2.3');
      expect(bare.statusCode).toBe(401);
      expect(bare.json()).toMatchObject({ code: 'UNAUTHORIZED' });
      expect(bare.json().message).toContain('Authorization: Bearer');
      const withToken = (value: string) =>
        open.app.inject({
          method: 'GET',
          url: '/_emulator/merchants',
          remoteAddress: '10.1.2.3',
          headers: { authorization: value },
        });
      expect((await withToken(`Bearer ${token}`)).statusCode).toBe(200);
      expect((await withToken(`Bearer ${token}x`)).json().message).toMatch(
        /not this emulator's control token/,
      );
      expect((await withToken(token)).statusCode).toBe(401);
      // Every route, the families' own actions included.
      const action = await open.app.inject({
        method: 'POST',
        url: '/_emulator/recharges/CZ1/pay',
        remoteAddress: '10.1.2.3',
      });
      expect(action.statusCode).toBe(401);
      // With the token, Host, Origin and the body's content type are not checked: a page of another site cannot
      // attach the header without a CORS preflight, which the control API never grants.
      const foreign = await open.app.inject({
        method: 'POST',
        url: '/_emulator/clock/advance',
        headers: {
          host: 'evil.example.com',
          origin: 'https://evil.example.com',
          'content-type': 'text/plain',
          authorization: `Bearer ${token}`,
        },
        payload: '{"seconds":1}',
      });
      expect(foreign.statusCode).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('refuses to build an open control API without a token', async () => {
    await expect(createHarness({ controlApi: 'open' })).rejects.toThrow(/needs a controlToken/);
  });
});

describe('control API access from web pages (loopback mode)', () => {
  const inject = (options: {
    method?: 'GET' | 'POST';
    url?: string;
    headers?: Record<string, string>;
    payload?: string;
  }) =>
    h.app.inject({
      method: options.method ?? 'GET',
      url: options.url ?? '/_emulator/merchants',
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.payload === undefined ? {} : { payload: options.payload }),
    });

  it('refuses a Host that is not a loopback name (DNS rebinding) with 403, before handing out keys', async () => {
    for (const host of ['evil.example.com', 'evil.example.com:8080', '127.0.0.1.evil.example', '10.0.0.1']) {
      const res = await inject({ headers: { host } });
      expect(res.statusCode, host).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
      expect(res.json().message).toContain(`Host ${host}`);
      expect(res.payload).not.toContain('PRIVATE KEY');
    }
  });

  it('answers the loopback Host names on any port', async () => {
    for (const host of ['127.0.0.1', '127.0.0.1:41234', 'localhost', 'localhost:8080', '[::1]', '[::1]:9']) {
      expect((await inject({ headers: { host } })).statusCode, host).toBe(200);
    }
  });

  it('refuses a request whose Origin is a foreign web page, and answers one from a loopback page', async () => {
    for (const origin of ['https://evil.example.com', 'http://127.0.0.1.evil.example', 'null']) {
      const res = await inject({ method: 'POST', url: '/_emulator/reset', headers: { origin } });
      expect(res.statusCode, origin).toBe(403);
      expect(res.json()).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining(origin) });
    }
    for (const origin of ['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:5173']) {
      expect((await inject({ url: '/_emulator/clock', headers: { origin } })).statusCode, origin).toBe(200);
    }
  });

  it('refuses a body that is not declared application/json (a cross-site form post), but takes an empty one', async () => {
    const plain = await inject({
      method: 'POST',
      url: '/_emulator/clock/advance',
      headers: { 'content-type': 'text/plain' },
      payload: '{"seconds":1}',
    });
    expect(plain.statusCode).toBe(415);
    expect(plain.json().message).toContain('text/plain');
    const json = await inject({
      method: 'POST',
      url: '/_emulator/clock/advance',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      payload: '{"seconds":0}',
    });
    expect(json.statusCode).toBe(200);
    expect((await inject({ method: 'POST', url: '/_emulator/clock/advance', payload: '' })).statusCode).toBe(
      400, // an empty body reaches the route, which asks for one of seconds, ms, to
    );
  });

  it("guards the families' own control actions the same way", async () => {
    await h.call('platform', { method: 'POST', url: APPLY, body: applyBody('GUARD1') });
    const foreign = await inject({
      method: 'POST',
      url: '/_emulator/recharges/GUARD1/pay',
      headers: { host: 'evil.example.com' },
    });
    expect(foreign.statusCode).toBe(403);
    const form = await inject({
      method: 'POST',
      url: '/_emulator/recharges/GUARD1/pay',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'channel=QR_RECHARGE',
    });
    expect(form.statusCode).toBe(415);
    expect(h.runtime.db.prepare(`SELECT state FROM test_items WHERE no = 'GUARD1'`).get()).toEqual({
      state: 'RECHARGING',
    });
  });
});

describe('control API: merchants', () => {
  it('lists the callers with their ids, keys and sub-merchants', async () => {
    const res = await h.control('GET', '/_emulator/merchants');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.platform.publicKeyId).toBe(h.credentials.platform.publicKeyId);
    expect(body.merchants.map((m: { key: string }) => m.key)).toEqual([
      'ordinary',
      'serviceProvider',
      'platform',
    ]);
    const sp = body.merchants[1];
    expect(sp).toMatchObject({
      mchid: h.credentials.merchants.serviceProvider.mchid,
      kind: 'serviceProvider',
      serialNo: h.credentials.merchants.serviceProvider.serialNo,
      apiV3Key: h.credentials.merchants.serviceProvider.apiV3Key,
    });
    expect(sp.subMerchants).toHaveLength(2);
    expect(JSON.stringify(body)).not.toContain('PRIVATE KEY');
  });

  it('gives client options by key or mchid, with the base URL the client used', async () => {
    const byKey = await h.app.inject({
      method: 'GET',
      url: '/_emulator/merchants/ordinary/client-options',
      headers: { host: '127.0.0.1:8787' },
    });
    expect(byKey.json()).toEqual({
      mchid: h.credentials.merchants.ordinary.mchid,
      serialNo: h.credentials.merchants.ordinary.serialNo,
      privateKey: h.credentials.merchants.ordinary.privateKeyPem,
      wechatpayPublicKey: {
        id: h.credentials.platform.publicKeyId,
        key: h.credentials.platform.publicKeyPem,
      },
      apiV3Key: h.credentials.merchants.ordinary.apiV3Key,
      baseUrl: 'http://127.0.0.1:8787',
      backupBaseUrl: false,
    });
    const byMchid = await h.control(
      'GET',
      `/_emulator/merchants/${h.credentials.merchants.platform.mchid}/client-options`,
    );
    expect(byMchid.json().mchid).toBe(h.credentials.merchants.platform.mchid);
    const unknown = await h.control('GET', '/_emulator/merchants/nobody/client-options');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toContain('nobody');
  });
});

describe('control API: clock, resources, notifications, reset', () => {
  it('reads and advances the clock, refusing bad input', async () => {
    const clock = await h.control('GET', '/_emulator/clock');
    expect(clock.json()).toMatchObject({ mode: 'manual', now: START_MS, time: '2030-01-01T08:00:00+08:00' });
    const byMs = await h.control('POST', '/_emulator/clock/advance', { ms: 500 });
    expect(byMs.json().now).toBe(START_MS + 500);
    const to = await h.control('POST', '/_emulator/clock/advance', { to: '2030-01-01T08:00:10+08:00' });
    expect(to.json()).toMatchObject({ now: START_MS + 10_000, time: '2030-01-01T08:00:10+08:00' });
    for (const [body, word] of [
      [{}, 'exactly one'],
      [{ seconds: 1, ms: 1 }, 'exactly one'],
      [{ seconds: -1 }, 'seconds'],
      [{ to: 'tomorrow' }, 'RFC 3339'],
      [{ to: '2029-01-01T00:00:00+08:00' }, 'before'],
      [{ minutes: 3 }, 'minutes'],
    ] as const) {
      const res = await h.control('POST', '/_emulator/clock/advance', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().message).toContain(word);
    }
    const malformed = await h.app.inject({
      method: 'POST',
      url: '/_emulator/clock/advance',
      payload: '{',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().message).toContain('not valid JSON');
  });

  it('lists a family’s resources, filtered by mchid', async () => {
    await h.call('platform', { method: 'POST', url: APPLY, body: applyBody('LIST1') });
    const all = await h.control('GET', '/_emulator/resources/recharges');
    expect(all.json().items.map((i: { no: string }) => i.no)).toContain('LIST1');
    const none = await h.control(
      'GET',
      `/_emulator/resources/recharges?mchid=${h.credentials.merchants.ordinary.mchid}`,
    );
    expect(none.json().items).toEqual([]);
    const unknown = await h.control('GET', '/_emulator/resources/payments');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toContain('recharges');
  });

  it('lists notifications, shows attempts, and redelivers on request', async () => {
    await h.call('platform', {
      method: 'POST',
      url: APPLY,
      body: applyBody('N1', 'https://merchant.example/notify'),
    });
    await h.control('POST', '/_emulator/clock/advance', { seconds: 61 });
    const list = await h.control(
      'GET',
      `/_emulator/notifications?mchid=${h.credentials.merchants.platform.mchid}`,
    );
    const [notification] = list.json().notifications;
    expect(notification).toMatchObject({ eventType: 'RECHARGE.CLOSED', resourceKey: 'N1', state: 'pending' });
    const detail = await h.control('GET', `/_emulator/notifications/${notification.id}`);
    expect(detail.json().attempts).toHaveLength(1);
    expect(detail.json().attempts[0]).toMatchObject({ httpStatus: 500, ok: false });
    const redelivered = await h.control('POST', `/_emulator/notifications/${notification.id}/redeliver`);
    expect(redelivered.statusCode).toBe(200);
    expect(redelivered.json().attempt).toMatchObject({ kind: 'redeliver', httpStatus: 500 });
    expect(deliveries.filter((u) => u === 'https://merchant.example/notify')).toHaveLength(2);
    expect((await h.control('GET', '/_emulator/notifications?state=lost')).statusCode).toBe(400);
    expect((await h.control('GET', '/_emulator/notifications/abc')).statusCode).toBe(400);
    expect((await h.control('GET', '/_emulator/notifications/99999')).statusCode).toBe(404);
  });

  it('changes settings in place and refuses unknown or invalid ones without applying anything', async () => {
    const res = await h.control('POST', '/_emulator/settings', { asyncStepMs: 50, probe: { fraction: 0.5 } });
    expect(res.json()).toMatchObject({ asyncStepMs: 50, probe: { enabled: false, fraction: 0.5 } });
    expect(h.runtime.familyDeps.settings.asyncStepMs).toBe(50);
    const bad = await h.control('POST', '/_emulator/settings', { asyncStepMs: 10, probe: { fraction: 2 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('probe.fraction');
    expect(h.runtime.settings.asyncStepMs).toBe(50);
    expect((await h.control('POST', '/_emulator/settings', { speed: 1 })).json().message).toContain('speed');
    expect(
      (await h.control('POST', '/_emulator/settings', { rateLimits: { perSecond: { 'nope.get': 1 } } }))
        .statusCode,
    ).toBe(400);
  });

  it("sets, shows and clears a family's notification retry schedule; a bad one changes nothing", async () => {
    const catalogueDefault = (await h.control('GET', '/_emulator/settings')).json().retrySchedules.recharges;
    expect(catalogueDefault).toHaveLength(16);
    const set = await h.control('POST', '/_emulator/settings', { retrySchedules: { recharges: [0, 5, 5] } });
    expect(set.statusCode).toBe(200);
    expect(set.json().retrySchedules.recharges).toEqual([0, 5, 5]);
    const bad = await h.control('POST', '/_emulator/settings', {
      asyncStepMs: 7,
      retrySchedules: { recharges: [0, -1] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('retrySchedules.recharges');
    expect(h.runtime.settings.asyncStepMs).not.toBe(7);
    const unknown = await h.control('POST', '/_emulator/settings', {
      retrySchedules: { cancelWithdraws: [0] },
    });
    expect(unknown.statusCode).toBe(400);
    const cleared = await h.control('POST', '/_emulator/settings', { retrySchedules: { recharges: null } });
    expect(cleared.json().retrySchedules.recharges).toEqual(catalogueDefault);
  });

  it('reset forgets resources, timers, notifications and faults but keeps credentials and time', async () => {
    await h.call('platform', { method: 'POST', url: APPLY, body: applyBody('R1') });
    await h.control('POST', '/_emulator/faults', {
      operation: 'recharges.get',
      status: 500,
      code: 'SYSTEM_ERROR',
    });
    const before = h.runtime.clock.now();
    const res = await h.control('POST', '/_emulator/reset');
    expect(res.statusCode).toBe(200);
    expect(res.json().deleted).toMatchObject({
      test_items: expect.any(Number),
      timers: expect.any(Number),
      fault_rules: 1,
    });
    expect((await h.control('GET', '/_emulator/resources/recharges')).json().items).toEqual([]);
    expect((await h.control('GET', '/_emulator/notifications')).json().notifications).toEqual([]);
    expect((await h.control('GET', '/_emulator/faults')).json().faults).toEqual([]);
    expect(h.runtime.clock.now()).toBe(before);
    // Credentials still work.
    expect((await h.call('platform', { method: 'POST', url: APPLY, body: applyBody('R1') })).statusCode).toBe(
      200,
    );
  });

  it('family control actions are mounted under the family’s kebab-case name; ApiErrors come back as JSON', async () => {
    const missing = await h.control('POST', '/_emulator/recharges/NOPE/pay');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ code: 'NOT_FOUND', message: 'no item NOPE' });
  });
});

describe('control API body size', () => {
  it('a body over 1 MiB is 413, on built-in routes and family actions alike', async () => {
    const payload = `{"a":"${'x'.repeat(1024 * 1024)}"}`;
    for (const url of ['/_emulator/faults', '/_emulator/settings', '/_emulator/recharges/CZ1/pay']) {
      const res = await h.app.inject({
        method: 'POST',
        url,
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode, url).toBe(413);
      expect(res.json(), url).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    }
  });
});
