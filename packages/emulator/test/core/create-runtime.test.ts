import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/core/create-runtime.js';
import { enqueueNotification } from '../../src/notify/outbox.js';
import { startMerchantServer } from '../notify/merchant-server.js';
import { START_MS } from '../support/framework-harness.js';
import { until } from '../support/held-fetch.js';
import { testFamily } from '../support/test-family.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('createRuntime close()', () => {
  it('abandons the deliveries in flight to a merchant that never answers, instead of waiting out its 5 s timeout', async () => {
    const receiver = await startMerchantServer(() => 'hang');
    cleanups.push(() => receiver.close());
    const dir = mkdtempSync(join(tmpdir(), 'wxpay-runtime-close-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const runtime = await createRuntime({
      dataDir: dir,
      families: [testFamily],
      clock: { mode: 'manual', start: START_MS },
    });
    for (const no of ['CZ1', 'CZ2', 'CZ3', 'CZ4', 'CZ5']) {
      enqueueNotification(runtime.db, runtime.clock.now(), {
        mchid: runtime.credentials.merchants.platform.mchid,
        url: receiver.url,
        eventType: 'RECHARGE.CLOSED',
        summary: '充值单已关闭',
        originalType: 'recharge',
        associatedData: 'recharge',
        resource: { out_recharge_no: no, recharge_state: 'CLOSED' },
        family: 'recharges',
        resourceKey: no,
      });
    }

    const run = runtime.scheduler.runDue();
    // Five at once (within the per-destination bound of 8).
    await until(() => receiver.requests.length === 5, 'the attempts reached the merchant');
    // The default 5 s answer window applies: close() must not wait it out.
    await runtime.close();
    await expect(run).resolves.toBeDefined();
    // The merchant saw its connection closed by the emulator, and it never answered.
    await until(() => receiver.abandoned === 5, 'the receiver saw the connections closed by the client');
    expect(receiver.requests).toHaveLength(5);

    // The abandoned attempt is not logged as a timeout (nor at all): it is made again after a restart.
    const db = new BetterSqlite3(join(dir, 'emulator.sqlite'), { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM notify_attempts').get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT state, attempts_made FROM notify_notifications ORDER BY id').all()).toEqual(
        Array.from({ length: 5 }, () => ({ state: 'pending', attempts_made: 0 })),
      );
    } finally {
      db.close();
    }
  });
});
