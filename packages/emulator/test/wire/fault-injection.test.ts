import { PlatformKeyring, verifySignedMessage } from '@wxpay-kit/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/core/virtual-clock.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import type { ApiError } from '../../src/wire/api-error.js';
import { FaultInjector } from '../../src/wire/fault-injection.js';
import { createHarness, type Harness } from '../support/framework-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ rateLimits: false });
});
afterAll(() => h.close());

const url = '/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/A1';

describe('fault injection', () => {
  it('authorizations.get answers an injected 500 SYSTEM_ERROR, signed, for exactly `count` calls', async () => {
    const added = await h.control('POST', '/_emulator/faults', {
      operation: 'authorizations.get',
      status: 500,
      code: 'SYSTEM_ERROR',
      count: 2,
    });
    expect(added.statusCode).toBe(201);
    for (let i = 0; i < 2; i++) {
      const res = await h.call('ordinary', { method: 'GET', url });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ code: 'SYSTEM_ERROR', message: '系统异常,请稍后重试' });
      await verifySignedMessage({
        headers: res.headers as Record<string, string>,
        body: res.rawPayload,
        keyring: new PlatformKeyring({
          publicKey: { id: h.credentials.platform.publicKeyId, key: h.credentials.platform.publicKeyPem },
        }),
        now: Math.floor(Date.now() / 1000),
      });
    }
    expect((await h.call('ordinary', { method: 'GET', url })).statusCode).toBe(200);
  });

  it('faults apply after authentication: an unsigned request still gets 401, and the rule is not used up', async () => {
    await h.control('POST', '/_emulator/faults', {
      operation: '*',
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      message: 'down',
    });
    expect((await h.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    const res = await h.call('ordinary', { method: 'GET', url });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ code: 'SERVICE_UNAVAILABLE', message: 'down' });
    expect((await h.call('ordinary', { method: 'GET', url })).statusCode).toBe(200);
  });

  it('DELETE /_emulator/faults clears pending rules', async () => {
    await h.control('POST', '/_emulator/faults', {
      operation: 'authorizations.get',
      status: 502,
      code: 'BAD_GATEWAY',
      count: 5,
    });
    expect((await h.control('GET', '/_emulator/faults')).json().faults).toHaveLength(1);
    expect((await h.control('DELETE', '/_emulator/faults')).json()).toEqual({ deleted: 1 });
    expect((await h.call('ordinary', { method: 'GET', url })).statusCode).toBe(200);
  });

  it('refuses invalid rules with a message naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ operation: 'nope.get', status: 500, code: 'SYSTEM_ERROR' }, 'operation'],
      [{ operation: 'authorizations.get', status: 200, code: 'SYSTEM_ERROR' }, 'status'],
      [{ operation: 'authorizations.get', status: 500, code: 'lower' }, 'code'],
      [{ operation: 'authorizations.get', status: 500, code: 'SYSTEM_ERROR', count: 0 }, 'count'],
      [{ operation: 'authorizations.get', status: 500, code: 'SYSTEM_ERROR', colour: 1 }, 'colour'],
    ];
    for (const [body, word] of cases) {
      const res = await h.control('POST', '/_emulator/faults', body);
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toContain(word);
    }
  });
});

describe('FaultInjector without a query per call once the table is empty', () => {
  const fresh = () => {
    const db = openDatabase(':memory:');
    migrate(db, []);
    return { db, faults: new FaultInjector(db, new VirtualClock()) };
  };
  const refusal = (faults: FaultInjector, operation: string) => {
    try {
      faults.check(operation);
      return undefined;
    } catch (error) {
      return (error as ApiError).code;
    }
  };
  const rule = { operation: 'authorizations.get', status: 500, code: 'SYSTEM_ERROR', message: 'x', count: 1 };

  it('applies rules stored before it was made (a restart), and one added after a check found none', () => {
    const { db, faults } = fresh();
    faults.add(rule);
    const restarted = new FaultInjector(db, new VirtualClock());
    expect(refusal(restarted, 'authorizations.get')).toBe('SYSTEM_ERROR');
    expect(refusal(restarted, 'authorizations.get')).toBeUndefined();
    restarted.add({ ...rule, code: 'LATER' });
    expect(refusal(restarted, 'authorizations.get')).toBe('LATER');
  });

  it('keeps checking while a rule for another operation lives, and after a reset empties the table', () => {
    const { db, faults } = fresh();
    faults.add({ ...rule, operation: 'transferBills.cancel', code: 'OTHER' });
    expect(refusal(faults, 'authorizations.get')).toBeUndefined();
    expect(refusal(faults, 'transferBills.cancel')).toBe('OTHER');
    faults.add({ ...rule, count: 5 });
    db.prepare('DELETE FROM fault_rules').run();
    expect(refusal(faults, 'authorizations.get')).toBeUndefined();
    faults.add(rule);
    expect(refusal(faults, 'authorizations.get')).toBe('SYSTEM_ERROR');
    faults.add(rule);
    expect(faults.clear()).toBe(1);
    expect(refusal(faults, 'authorizations.get')).toBeUndefined();
  });
});
