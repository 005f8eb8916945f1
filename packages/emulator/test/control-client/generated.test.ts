import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED_FILE, renderGeneratedFile } from '../../scripts/write-control-client.js';
import { controlActionName, describeControlActions } from '../../src/control/action-catalogue.js';
import { CONTROL_PREFIX, registerControlApi } from '../../src/control/index.js';
import { FRAMEWORK_ROUTES } from '../../src/control-client/control-client.js';
import { createRuntime, type EmulatorRuntime } from '../../src/core/create-runtime.js';
import { families } from '../../src/families/registry.js';
import { sharedCredentials } from '../support/framework-harness.js';

// The typed control client and the control routes cannot drift: its family methods are generated from the
// registered actions (and the file must be current), its framework methods must be exactly the framework routes.

let runtime: EmulatorRuntime;
beforeAll(async () => {
  runtime = await createRuntime({ dataDir: ':memory:', credentials: await sharedCredentials(), families });
});
afterAll(() => runtime.close());

describe('control client generation', () => {
  it('actions.generated.ts is what the registered actions give (run `npm run control-client` after changing them)', () => {
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(renderGeneratedFile());
  });

  it('every control route is either a framework route the client calls or a family action it generates', async () => {
    const app = Fastify();
    const registered: string[] = [];
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        if (method !== 'HEAD') registered.push(`${method} ${route.url}`);
      }
    });
    registerControlApi(app, runtime, { controlApi: 'loopback' });
    await app.ready();
    const actions = describeControlActions(runtime.families, CONTROL_PREFIX, runtime.credentials);
    const expected = [
      ...FRAMEWORK_ROUTES.map((route) => route.replace(' /', ` ${CONTROL_PREFIX}/`)),
      ...actions.map((action) => `${action.method} ${action.path}`),
    ];
    expect([...registered].sort()).toEqual([...expected].sort());
    await app.close();
  });

  it('names actions from their paths, and infers the merchant only for a family of one merchant kind', () => {
    expect(controlActionName({ method: 'POST', path: '/:mchid/:out_authorization_no/risk-close' })).toBe(
      'riskClose',
    );
    expect(controlActionName({ method: 'GET', path: '/:mchid/:applyment_id' })).toBe('get');
    expect(controlActionName({ method: 'GET', path: '/balances/:sub_mchid' })).toBe('getBalances');
    expect(controlActionName({ method: 'POST', path: '/balances/:sub_mchid' })).toBe('setBalances');
    expect(controlActionName({ method: 'POST', path: '/x', name: 'chosen' })).toBe('chosen');
    const actions = describeControlActions(runtime.families, CONTROL_PREFIX, runtime.credentials);
    const fail = actions.find((a) => a.family === 'transferBills' && a.name === 'fail')!;
    expect(fail).toMatchObject({
      method: 'POST',
      path: '/_emulator/transfer-bills/:mchid/:out_bill_no/fail',
      params: ['mchid', 'out_bill_no'],
      defaultMchid: runtime.credentials.merchants.serviceProvider.mchid,
    });
    const balances = actions.find((a) => a.family === 'transferBills' && a.name === 'setBalances')!;
    expect(balances.defaultMchid).toBeUndefined(); // no :mchid in its path
  });

  it('refuses two actions of one family with the same name', () => {
    const [first] = families;
    const twice = { ...first!, control: [first!.control[0]!, { ...first!.control[0]! }] };
    expect(() => describeControlActions([twice], CONTROL_PREFIX)).toThrow(/two control actions are named/);
  });
});
