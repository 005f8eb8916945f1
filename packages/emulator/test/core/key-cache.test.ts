import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedDevCredentials, lockIsStale, STALE_LOCK_MS } from '../../src/core/key-cache.js';

describe('opt-in dev key cache for :memory: emulators', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'wxpay-keycache-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('generates once into the cache directory; later (and concurrent) starts reuse the same keys', async () => {
    const dir = join(root, 'keys');
    const [a, b] = await Promise.all([cachedDevCredentials(dir), cachedDevCredentials(dir)]);
    const c = await cachedDevCredentials(dir);
    expect(b.platform.privateKeyPem).toBe(a.platform.privateKeyPem);
    expect(c.merchants.ordinary.privateKeyPem).toBe(a.merchants.ordinary.privateKeyPem);
    expect(c.merchants.ordinary.mchid).toBe(a.merchants.ordinary.mchid);
    // The paths name the cache directory, where the files are (they were written aside, then moved).
    expect(readFileSync(c.merchants.ordinary.privateKeyPath!, 'utf8')).toBe(
      a.merchants.ordinary.privateKeyPem,
    );
    expect(c.platform.privateKeyPath).toBe(join(dir, 'wechatpay_private_key.pem'));
    expect(readdirSync(root).sort()).toEqual(['keys']);
  });

  it('a lock left by a process that was killed does not hold a start up: it is taken over and the cache filled', async () => {
    const dir = join(root, 'keys');
    const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    writeFileSync(`${dir}.lock`, `${gone} ${hostname()}\n`);
    expect(lockIsStale(`${dir}.lock`)).toBe(true);
    const credentials = await cachedDevCredentials(dir);
    expect(existsSync(join(dir, 'credentials.json'))).toBe(true);
    expect(existsSync(`${dir}.lock`)).toBe(false);
    expect((await cachedDevCredentials(dir)).platform.privateKeyPem).toBe(credentials.platform.privateKeyPem);
  });

  it('a lock is stale once older than the longest fill, whoever holds it; a fresh one of a live process is not', () => {
    const lock = join(root, 'keys.lock');
    writeFileSync(lock, `${process.pid} ${hostname()}\n`);
    expect(lockIsStale(lock)).toBe(false);
    // Just created, pid not written yet.
    writeFileSync(lock, '');
    expect(lockIsStale(lock)).toBe(false);
    expect(lockIsStale(lock, Date.now() + STALE_LOCK_MS + 1000)).toBe(true);
    // Another host's process cannot be checked: only its age counts.
    writeFileSync(lock, '999999999 another-host\n');
    expect(lockIsStale(lock)).toBe(false);
    rmSync(lock);
    expect(lockIsStale(lock)).toBe(true);
  });

  it('a half-written set left by a killed process is replaced, not read', async () => {
    const dir = join(root, 'keys');
    const gone = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    // An older version wrote straight into the cache directory; this one writes aside: both can be left behind.
    mkdirSync(join(dir, 'ordinary'), { recursive: true });
    writeFileSync(join(dir, 'wechatpay_private_key.pem'), 'half');
    mkdirSync(join(root, `keys.partial-${gone}-00000000`));
    const credentials = await cachedDevCredentials(dir);
    expect(readFileSync(join(dir, 'wechatpay_private_key.pem'), 'utf8')).toBe(
      credentials.platform.privateKeyPem,
    );
    expect(readdirSync(root).sort()).toEqual(['keys']);
  });
});
