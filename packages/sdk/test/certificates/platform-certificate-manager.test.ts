import { describe, expect, it } from 'vitest';
import {
  type OpenedPlatformCertificate,
  openCertificateEntry,
} from '../../src/certificates/certificate-download.js';
import { MemoryPlatformCertificateStore } from '../../src/certificates/memory-platform-certificate-store.js';
import { PlatformCertificateManager } from '../../src/certificates/platform-certificate-manager.js';
import type { PlatformCertificateEntry } from '../../src/certificates/platform-certificate-store.js';
import { WechatPayCertificateError, WechatPayNetworkError } from '../../src/errors/index.js';
import { PlatformKeyring } from '../../src/protocol/index.js';
import { FakeClock } from '../support/fake-clock.js';
import {
  API_V3_KEY,
  certificateEntry,
  issuePlatformCertificate,
  type TestPlatformCertificate,
} from '../support/platform-certificates.js';

const START_MS = Date.UTC(2026, 5, 1);
const HOUR_MS = 3600_000;
const MCHID = '1900007291';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A WeChat Pay stand-in: what `GET /v3/certificates` lists now; counts downloads; can hold them open. */
class FakeWechatPay {
  listed: PlatformCertificateEntry[] = [];
  downloads = 0;
  gate: Promise<void> | undefined;
  failWith: unknown;

  list(...certificates: TestPlatformCertificate[]): void {
    this.listed = certificates.map((c) => certificateEntry(c));
  }

  download = async (): Promise<OpenedPlatformCertificate[]> => {
    this.downloads += 1;
    await this.gate;
    if (this.failWith) throw this.failWith;
    return this.listed.map((entry) => openCertificateEntry(entry, API_V3_KEY));
  };
}

function setup(options: { store?: MemoryPlatformCertificateStore; clock?: FakeClock } = {}) {
  const clock = options.clock ?? new FakeClock(START_MS);
  const wechat = new FakeWechatPay();
  const keyring = new PlatformKeyring();
  const store = options.store ?? new MemoryPlatformCertificateStore();
  const manager = new PlatformCertificateManager({
    mchid: MCHID,
    apiV3Key: API_V3_KEY,
    keyring,
    store,
    download: wechat.download,
    now: clock.now,
    // Virtual time, but a real turn of the event loop, so that another "process" can make progress meanwhile.
    sleep: async (ms: number) => {
      clock.advance(ms);
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
  const knows = (serial: string) => keyring.find(serial, Math.floor(clock.nowMs / 1000)) !== undefined;
  return { clock, wechat, keyring, store, manager, knows };
}

const current = issuePlatformCertificate(START_MS, { key: 0 });
const next = issuePlatformCertificate(START_MS, { key: 1 });

describe('PlatformCertificateManager', () => {
  it('downloads once for 50 concurrent callers that all need the certificates (single flight)', async () => {
    const { wechat, manager, knows } = setup();
    wechat.list(current);
    const gate = deferred<void>();
    wechat.gate = gate.promise;
    const waiting = Array.from({ length: 50 }, () => manager.prepare(current.serial));
    await Promise.resolve();
    gate.resolve();
    await Promise.all(waiting);
    expect(wechat.downloads).toBe(1);
    expect(knows(current.serial)).toBe(true);
  });

  it('gives every waiter the same error when the one download fails, and downloads again on the next call', async () => {
    const { wechat, manager } = setup();
    wechat.list(current);
    wechat.failWith = new WechatPayNetworkError(
      'GET',
      'https://api.mch.weixin.qq.com/v3/certificates',
      'reset',
    );
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => manager.prepare(current.serial)),
    );
    expect(wechat.downloads).toBe(1);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as WechatPayCertificateError;
      expect(error).toBeInstanceOf(WechatPayCertificateError);
      expect(error.reason).toBe('DOWNLOAD_FAILED');
      expect(error.retryable).toBe(true);
    }
    wechat.failWith = undefined;
    await manager.prepare(current.serial);
    expect(wechat.downloads).toBe(2);
  });

  it('does not download for a message signed with the public key', async () => {
    const { wechat, manager } = setup();
    await manager.prepare('PUB_KEY_ID_0000000000000024101100397200000006');
    await manager.prepare(undefined);
    expect(wechat.downloads).toBe(0);
    await manager.prepare(undefined, { needCertificates: true });
    expect(wechat.downloads).toBe(1);
  });

  it('downloads again for an unknown serial, keeps the old certificate (overlap), at most once per cooldown', async () => {
    const { clock, wechat, manager, knows } = setup();
    wechat.list(current);
    await manager.prepare(current.serial);
    // WeChat Pay rotates: the new certificate appears and the old one leaves the list.
    wechat.list(next);
    clock.advance(1000);
    await manager.prepare(next.serial);
    expect(wechat.downloads).toBe(2);
    expect(knows(next.serial)).toBe(true);
    expect(knows(current.serial)).toBe(true);
    expect(manager.serials.sort()).toEqual([current.serial, next.serial].sort());

    // A serial nobody issued (a forged header) triggers no second download within the cooldown.
    await manager.prepare('7777777777777777777777777777777777777777');
    await manager.prepare('7777777777777777777777777777777777777778');
    expect(wechat.downloads).toBe(2);
    clock.advance(60_000);
    await manager.prepare('7777777777777777777777777777777777777779');
    expect(wechat.downloads).toBe(3);
  });

  it('refreshes in the background once the set is older than 60 min, serving the old set meanwhile', async () => {
    const { clock, wechat, manager, knows } = setup();
    wechat.list(current);
    await manager.prepare(current.serial);
    clock.advance(HOUR_MS - 1);
    await manager.prepare(current.serial);
    expect(wechat.downloads).toBe(1);

    clock.advance(1);
    wechat.list(current, next);
    const gate = deferred<void>();
    wechat.gate = gate.promise;
    await manager.prepare(current.serial); // does not wait for the download
    await new Promise((resolve) => setImmediate(resolve));
    expect(wechat.downloads).toBe(2);
    expect(knows(next.serial)).toBe(false);
    gate.resolve();
    await manager.refresh();
    expect(knows(next.serial)).toBe(true);
  });

  it('drops a certificate at its expire_time', async () => {
    const { clock, wechat, manager, knows } = setup();
    wechat.listed = [certificateEntry(current, { expireTime: new Date(START_MS + 2 * HOUR_MS) })];
    await manager.prepare(current.serial);
    expect(knows(current.serial)).toBe(true);
    clock.advance(2 * HOUR_MS + 1000);
    wechat.listed = [certificateEntry(next)];
    await manager.prepare(next.serial);
    expect(knows(current.serial)).toBe(false);
    expect(manager.serials).toEqual([next.serial]);
  });

  it('adopts what another process stored instead of downloading, and waits for a holder of the lock', async () => {
    const store = new MemoryPlatformCertificateStore();
    const clock = new FakeClock(START_MS);
    const first = setup({ store, clock });
    const second = setup({ store, clock });
    first.wechat.list(current);
    await first.manager.prepare(current.serial);
    await second.manager.prepare(current.serial);
    expect(first.wechat.downloads + second.wechat.downloads).toBe(1);
    expect(second.knows(current.serial)).toBe(true);

    // Both find the set stale; the first takes the lock, the second waits for its save.
    clock.advance(HOUR_MS);
    first.wechat.list(current, next);
    const gate = deferred<void>();
    first.wechat.gate = gate.promise;
    const firstRefresh = first.manager.refresh();
    await new Promise((resolve) => setImmediate(resolve));
    const secondRefresh = second.manager.refresh();
    await new Promise((resolve) => setImmediate(resolve));
    gate.resolve();
    await Promise.all([firstRefresh, secondRefresh]);
    expect(second.wechat.downloads).toBe(0);
    expect(second.knows(next.serial)).toBe(true);
  });

  it('ignores stored entries that do not decrypt with the APIv3 key (a tampered store)', async () => {
    const store = new MemoryPlatformCertificateStore();
    const forged = issuePlatformCertificate(START_MS, { key: 2 });
    await store.save(MCHID, {
      refreshedAt: START_MS,
      entries: [certificateEntry(forged, { apiV3Key: 'ffffffffffffffffffffffffffffffff' })],
    });
    const { wechat, manager, knows } = setup({ store });
    wechat.list(current);
    await manager.prepare(forged.serial);
    expect(knows(forged.serial)).toBe(false);
    expect(wechat.downloads).toBe(1);
  });

  it('reports a failing store as STORE_FAILED', async () => {
    const store = new MemoryPlatformCertificateStore();
    store.load = async () => {
      throw new Error('connection refused');
    };
    const { manager } = setup({ store });
    const error = await manager.prepare(current.serial).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatPayCertificateError);
    expect((error as WechatPayCertificateError).reason).toBe('STORE_FAILED');
    expect((error as Error).message).toMatch(/connection refused/);
  });
});
