import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/index.js';
import { testFamily } from '../support/test-family.js';

// Issue 7, defect 6: settings acknowledged by POST /_emulator/settings were back to their defaults after a restart.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function settingsOf(url: string, body?: unknown) {
  const res = await fetch(`${url}/_emulator/settings`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  expect(res.status).toBe(200);
  return res.json();
}

describe('settings survive a restart', () => {
  it('every setting changed through the control API is back after a restart; start options still win', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wxpay-settings-'));
    dirs.push(dataDir);
    const changed = {
      asyncStepMs: 1234,
      probe: { enabled: true, fraction: 0.25 },
      rateLimits: { enabled: false, perSecond: { 'recharges.get': 3 } },
      allowInsecureNotifyUrls: false,
    };
    const first = await startEmulator({ dataDir, families: [testFamily] });
    try {
      await settingsOf(first.url, changed);
    } finally {
      await first.close();
    }

    const second = await startEmulator({ dataDir, families: [testFamily] });
    try {
      expect(await settingsOf(second.url)).toMatchObject(changed);
    } finally {
      await second.close();
    }

    const third = await startEmulator({ dataDir, families: [testFamily], asyncStepMs: 10, rateLimits: true });
    try {
      expect(await settingsOf(third.url)).toMatchObject({
        asyncStepMs: 10,
        rateLimits: { enabled: true, perSecond: { 'recharges.get': 3 } },
        probe: changed.probe,
      });
    } finally {
      await third.close();
    }
    // A start option is not saved: the fourth start without options sees the control API's values again.
    const fourth = await startEmulator({ dataDir, families: [testFamily] });
    try {
      expect(await settingsOf(fourth.url)).toMatchObject(changed);
    } finally {
      await fourth.close();
    }
  });
});
