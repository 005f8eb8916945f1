import { generateKeyPairSync } from 'node:crypto';
import { type OperationName, operations, WechatPay } from '@wxpay-kit/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type E2eHarness, type MerchantKey, startE2e } from './support/e2e-harness.js';
import { apiErrorOf, expectApiError } from './support-b/api-error.js';
import { CONFIRM } from './support-b/cancel-withdraw-requests.js';
import { capturingClient } from './support-b/capturing-client.js';
import { outNo } from './support-b/out-no.js';
import { SeedResources } from './support-b/seed-resources.js';
import { startGate } from './support-b/start-gate.js';

/** The five operations the official seed pages document, each with its own error table. */
const SEED_OPERATIONS = [
  'authorizations.close',
  'authorizations.get',
  'cancelWithdraws.confirm',
  'recharges.close',
  'transferBills.cancel',
] as const satisfies readonly OperationName[];
type SeedOperation = (typeof SEED_OPERATIONS)[number];

const CALLER: Record<SeedOperation, MerchantKey> = {
  'authorizations.close': 'ordinary',
  'authorizations.get': 'ordinary',
  'cancelWithdraws.confirm': 'platform',
  'recharges.close': 'platform',
  'transferBills.cancel': 'serviceProvider',
};

/** How one documented error is provoked: the call that must fail, and what the answer must name. */
interface Reach {
  call: Promise<unknown>;
  field?: string;
  location?: string;
}

type ReachFn = () => Promise<Reach> | Reach;

describe('every error code the seed pages document, reached through the SDK', () => {
  let h: E2eHarness;
  let seed: SeedResources;
  /** A key pair no merchant owns: the emulator must refuse what it signs. */
  const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

  beforeAll(async () => {
    h = await startE2e();
    seed = new SeedResources(h);
  });
  // Fresh resources, fault rules and rate-limit buckets for every case.
  beforeEach(async () => {
    expect((await h.control('POST', '/reset')).status).toBe(200);
  });
  afterAll(() => h?.close());

  const client = (key: MerchantKey, options: { privateKey?: string } = {}) =>
    new WechatPay({
      ...h.emulator.clientOptions(key),
      retry: false,
      ...(options.privateKey ? { privateKey: options.privateKey } : {}),
    });
  const sub = (key: 'serviceProvider' | 'platform') => h.emulator.merchants[key].subMchids[0]!;

  /** A valid call of the operation on a resource that need not exist, as the given client. */
  function plainCall(op: SeedOperation, wxpay: WechatPay): Promise<unknown> {
    switch (op) {
      case 'authorizations.close':
        return wxpay.authorizations.close({ out_authorization_no: outNo('SA') });
      case 'authorizations.get':
        return wxpay.authorizations.get({ out_authorization_no: outNo('SA') });
      case 'cancelWithdraws.confirm':
        return wxpay.cancelWithdraws.confirm({
          out_request_no: outNo('SC'),
          sub_mchid: sub('platform'),
          ...CONFIRM,
        });
      case 'recharges.close':
        return wxpay.recharges.close({ out_recharge_no: outNo('SR'), sub_mchid: sub('platform') });
      case 'transferBills.cancel':
        return wxpay.transferBills.cancel({ out_bill_no: outNo('ST'), sub_mchid: sub('serviceProvider') });
    }
  }

  /** The generic request() sends what the typed method would refuse to build. */
  function unchecked(op: SeedOperation, parts: { params?: object; query?: object; body?: unknown }) {
    const spec = operations[op];
    return h.sdk[CALLER[op]].request({
      method: spec.method,
      path: spec.path,
      params: parts.params as Record<string, string>,
      query: parts.query as Record<string, string>,
      body: parts.body,
    });
  }

  async function injectFault(op: SeedOperation, status: number, code: string): Promise<void> {
    const answer = await h.control('POST', '/faults', { operation: op, status, code });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  }

  /** Fires more calls at once than the operation's documented rate allows in a second; some are refused. */
  async function burst(op: SeedOperation): Promise<Reach> {
    const count = 3 * operations[op].rateLimit.perSecond + 20;
    const wxpay = new WechatPay({
      ...h.emulator.clientOptions(CALLER[op]),
      retry: false,
      // The SDK's own limiter would queue the burst at the documented rate and never reach the emulator's.
      rateLimit: false,
      fetch: startGate(count),
    });
    const calls = Array.from({ length: count }, () => plainCall(op, wxpay));
    const errors = await Promise.all(calls.map((call) => apiErrorOf(call)));
    // Every call was answered: refused by the bucket, or let through to find nothing under its number.
    const answers = new Map<string, number>();
    for (const e of errors)
      answers.set(`${e.status} ${e.code}`, (answers.get(`${e.status} ${e.code}`) ?? 0) + 1);
    expect([...answers.keys()].sort(), JSON.stringify([...answers])).toEqual([
      '404 NOT_FOUND',
      `429 ${operations[op].rateLimit.code}`,
    ]);
    const limited = errors.find((e) => e.status === 429)!;
    return { call: Promise.reject(limited) };
  }

  /** Ways that belong to one operation's page; each key must be a documented row of that operation. */
  const specificWays: Record<string, ReachFn> = {
    // 400 PARAM_ERROR: a malformed path parameter, a missing query parameter, a bad body.
    'authorizations.close 400 PARAM_ERROR': () => ({
      call: unchecked('authorizations.close', { params: { out_authorization_no: 'AUTH-0001'.repeat(4) } }),
      field: 'out_authorization_no',
      location: 'url',
    }),
    'authorizations.get 400 PARAM_ERROR': () => ({
      call: unchecked('authorizations.get', { params: { out_authorization_no: 'A'.repeat(33) } }),
      field: 'out_authorization_no',
      location: 'url',
    }),
    'cancelWithdraws.confirm 400 PARAM_ERROR': () => {
      const { operator_identification: _missing, ...body } = CONFIRM;
      return {
        call: unchecked('cancelWithdraws.confirm', {
          body: { out_request_no: 'P202410241010125346', sub_mchid: sub('platform'), ...body },
        }),
        field: '/operator_identification',
        location: 'body',
      };
    },
    'recharges.close 400 PARAM_ERROR': () => ({
      call: unchecked('recharges.close', { params: { out_recharge_no: outNo('SR') } }),
      field: 'sub_mchid',
      location: 'query',
    }),
    'transferBills.cancel 400 PARAM_ERROR': () => ({
      call: unchecked('transferBills.cancel', {
        params: { out_bill_no: outNo('ST') },
        body: { sub_mchid: Number(sub('serviceProvider')) },
      }),
      field: '/sub_mchid',
      location: 'body',
    }),

    // 400 INVALID_REQUEST: the resource is in a state the operation does not apply to.
    'authorizations.close 400 INVALID_REQUEST': async () => {
      const no = outNo('SA');
      await seed.authorizationRevokedByUser(no);
      return { call: h.sdk.ordinary.authorizations.close({ out_authorization_no: no }) };
    },
    // A query has no wrong state, and the emulator has no other cause for it on a GET: only an injected fault.
    'authorizations.get 400 INVALID_REQUEST': async () => {
      await injectFault('authorizations.get', 400, 'INVALID_REQUEST');
      return { call: plainCall('authorizations.get', h.sdk.ordinary) };
    },
    // Wrong states of confirm answer NO_AUTH / RULE_LIMIT (seed 002), so here too only an injected fault.
    'cancelWithdraws.confirm 400 INVALID_REQUEST': async () => {
      await injectFault('cancelWithdraws.confirm', 400, 'INVALID_REQUEST');
      return { call: plainCall('cancelWithdraws.confirm', h.sdk.platform) };
    },
    'recharges.close 400 INVALID_REQUEST': async () => {
      const no = outNo('SR');
      const { sub_mchid } = await seed.paidRecharge(no);
      return { call: h.sdk.platform.recharges.close({ out_recharge_no: no, sub_mchid }) };
    },
    'transferBills.cancel 400 INVALID_REQUEST': async () => {
      const no = outNo('ST');
      const { sub_mchid } = await seed.failedBill(no);
      return { call: h.sdk.serviceProvider.transferBills.cancel({ out_bill_no: no, sub_mchid }) };
    },

    // NO_AUTH: a merchant without the product (403), or a confirmation the application is not waiting for (400).
    'recharges.close 403 NO_AUTH': () => ({ call: plainCall('recharges.close', h.sdk.ordinary) }),
    'cancelWithdraws.confirm 400 NO_AUTH': async () => {
      const application = await seed.acceptedApplication(outNo('SC'));
      return { call: h.sdk.platform.cancelWithdraws.confirm({ ...application, ...CONFIRM }) };
    },

    // 403 RULE_LIMIT: confirming again, with different content, an application already confirmed.
    'cancelWithdraws.confirm 403 RULE_LIMIT': async () => {
      const application = await seed.confirmedApplication(outNo('SC'));
      return {
        call: h.sdk.platform.cancelWithdraws.confirm({
          ...application,
          ...CONFIRM,
          cancel_contract_version: 'V20250101',
        }),
      };
    },
  };

  /** Ways that work the same for every operation, for the codes every page shares. */
  function genericWay(op: SeedOperation, status: number, code: string): ReachFn | undefined {
    if (status === 500 && code === 'SYSTEM_ERROR') {
      return async () => {
        await injectFault(op, 500, 'SYSTEM_ERROR');
        return { call: plainCall(op, h.sdk[CALLER[op]]) };
      };
    }
    // The caller signs with a key that is not its API certificate's.
    if (status === 401 && code === 'SIGN_ERROR') {
      return () => ({
        call: plainCall(op, client(CALLER[op], { privateKey: strangerKey })),
        field: 'signature',
      });
    }
    // Nothing under that number.
    if (status === 404 && code === 'NOT_FOUND') return () => ({ call: plainCall(op, h.sdk[CALLER[op]]) });
    // A burst past the documented rate, answered with the operation's own code.
    if (status === 429 && code === operations[op].rateLimit.code) return () => burst(op);
    return undefined;
  }

  const documented = SEED_OPERATIONS.flatMap((op) =>
    operations[op].errors
      .filter((e) => e.source === 'documented')
      .map((e) => ({ op, ...e, key: `${op} ${e.status} ${e.code}` })),
  );

  it.each(documented)(
    '$op → $status $code ($description)',
    async ({ op, key, status, code, description }) => {
      const way = specificWays[key] ?? genericWay(op, status, code);
      if (!way)
        expect.fail(
          `${key} is documented but this test has no way to reach it: add one to specificWays or genericWay`,
        );
      const reach = await way();
      const error = await expectApiError(reach.call, {
        status,
        code,
        ...(reach.field === undefined ? {} : { field: reach.field }),
        ...(reach.location === undefined ? {} : { location: reach.location }),
      });
      expect(error.message).not.toBe('');
      // Signed iff the request verified: every way here sends a verified request, except the 401s.
      expect(error.headers['wechatpay-signature'] !== undefined, `signature header on ${status}`).toBe(
        status !== 401,
      );
      expect(error.requestId).toMatch(/\S/);
      if (code === 'SYSTEM_ERROR') expect(error.body).toContain(description);
    },
  );

  it('every operation-specific way is for a documented row of that seed operation (no stale entries)', () => {
    const keys = new Set(documented.map((d) => d.key));
    expect(Object.keys(specificWays).filter((key) => !keys.has(key))).toEqual([]);
  });

  it('the seed operations document the rows this table expects (PARAM_ERROR … RULE_LIMIT are all there)', () => {
    const codes = new Set(documented.map((d) => `${d.status} ${d.code}`));
    for (const expected of [
      '400 PARAM_ERROR',
      '400 INVALID_REQUEST',
      '401 SIGN_ERROR',
      '500 SYSTEM_ERROR',
      '404 NOT_FOUND',
      '429 RATELIMIT_EXCEEDED',
      '429 FREQUENCY_LIMITED',
      '403 NO_AUTH',
      '400 NO_AUTH',
      '403 RULE_LIMIT',
    ]) {
      expect(codes).toContain(expected);
    }
  });

  it('transferBills.cancel → 401 SIGN_ERROR when the body is changed after signing', async () => {
    const other = h.emulator.merchants.serviceProvider.subMchids[1]!;
    const { client: tampering, sent } = capturingClient(h.emulator, 'serviceProvider', {
      rewrite: (request) => ({
        ...request,
        body: JSON.stringify({ sub_mchid: other }),
      }),
    });
    const error = await expectApiError(
      tampering.transferBills.cancel({ out_bill_no: outNo('ST'), sub_mchid: sub('serviceProvider') }),
      { status: 401, code: 'SIGN_ERROR', field: 'signature' },
    );
    expect(error.retryable).toBe(false);
    expect(JSON.parse(sent[0]!.body!)).toEqual({ sub_mchid: other });
  });

  it('recharges.close → 401 SIGN_ERROR when the query is changed after signing', async () => {
    const other = h.emulator.merchants.platform.subMchids[1]!;
    const { client: tampering, sent } = capturingClient(h.emulator, 'platform', {
      rewrite: (request) => ({
        ...request,
        url: request.url.replace(`sub_mchid=${sub('platform')}`, `sub_mchid=${other}`),
      }),
    });
    await expectApiError(
      tampering.recharges.close({ out_recharge_no: outNo('SR'), sub_mchid: sub('platform') }),
      {
        status: 401,
        code: 'SIGN_ERROR',
      },
    );
    expect(sent[0]!.url).toContain(`sub_mchid=${other}`);
  });

  it('a fault injected for one call answers once; the next call reaches the handler again', async () => {
    await injectFault('authorizations.get', 500, 'SYSTEM_ERROR');
    await expectApiError(plainCall('authorizations.get', h.sdk.ordinary), {
      status: 500,
      code: 'SYSTEM_ERROR',
    });
    const next = await apiErrorOf(plainCall('authorizations.get', h.sdk.ordinary));
    expect(next.code).toBe('NOT_FOUND');
  });
});
