import type {
  PlatformCertificateStore,
  StoredPlatformCertificates,
} from '../certificates/platform-certificate-store.js';

function sample(refreshedAt: number, serial: string): StoredPlatformCertificates {
  return {
    refreshedAt,
    entries: [
      {
        serial_no: serial,
        effective_time: '2026-01-01T00:00:00+08:00',
        expire_time: '2031-01-01T00:00:00+08:00',
        encrypt_certificate: {
          algorithm: 'AEAD_AES_256_GCM',
          nonce: 'abcdefghijkl',
          associated_data: 'certificate',
          ciphertext: 'Y2lwaGVydGV4dA==',
        },
      },
    ],
  };
}

function fail(message: string): never {
  throw new Error(`PlatformCertificateStore contract: ${message}`);
}

/** `expected` is compared as it was when the check began, whatever a leaky store did to the object since. */
function sameJson(actual: unknown, expected: string | undefined, what: string): void {
  if (JSON.stringify(actual) !== expected) {
    fail(`${what}: expected ${expected}, got ${JSON.stringify(actual)}`);
  }
}

/**
 * Runs the `PlatformCertificateStore` contract against a store and throws an `Error` naming the first clause it
 * breaks; use it in any test framework: `await checkPlatformCertificateStore(new MyRedisStore(...))`.
 * `mchidPrefix` keeps its keys apart from real data (two merchant numbers are derived from it). The store
 * should be empty for those merchants. With a lock, `nowMs` drives expiry for stores that use the caller's
 * clock; `waitPastTtl` must let `ttlMs` pass for stores that use their own (defaults to a real wait).
 */
export async function checkPlatformCertificateStore(
  store: PlatformCertificateStore,
  options: { mchidPrefix?: string; nowMs?: number; ttlMs?: number; waitPastTtl?: () => Promise<void> } = {},
): Promise<void> {
  const prefix = options.mchidPrefix ?? '19000';
  const [first, second] = [`${prefix}01`, `${prefix}02`];
  const nowMs = options.nowMs ?? Date.now();

  sameJson(await store.load(first), undefined, 'load of a merchant never saved');
  const value = JSON.stringify(sample(nowMs, '5157F09EFDC096DE15EBE81A47057A7232F1B8E1'));
  await store.save(first, JSON.parse(value));
  sameJson(await store.load(first), value, 'load after save');
  sameJson(await store.load(second), undefined, 'another merchant after a save');

  const loaded = await store.load(first);
  loaded?.entries.pop();
  sameJson(await store.load(first), value, 'load after the caller mutated a loaded value');

  const replacement = JSON.stringify(sample(nowMs + 1, '7B8E4F1C2D3A4B5C6D7E8F901A2B3C4D5E6F7081'));
  await store.save(first, JSON.parse(replacement));
  sameJson(await store.load(first), replacement, 'save replaces the whole value');

  if (!store.acquireRefreshLock) return;
  const ttlMs = options.ttlMs ?? 200;
  const [a, b] = await Promise.all([
    store.acquireRefreshLock(first, ttlMs, nowMs),
    store.acquireRefreshLock(first, ttlMs, nowMs),
  ]);
  if (Boolean(a) === Boolean(b)) fail('two concurrent acquireRefreshLock calls must give exactly one lock');
  const lock = (a ?? b)!;
  if (!(await store.acquireRefreshLock(second, ttlMs, nowMs))) fail('a lock must be per merchant');
  if (await store.acquireRefreshLock(first, ttlMs, nowMs)) fail('a held lock must not be granted again');
  await lock.release();
  const again = await store.acquireRefreshLock(first, ttlMs, nowMs);
  if (!again) fail('release must free the lock');

  await (options.waitPastTtl?.() ?? new Promise((resolve) => setTimeout(resolve, ttlMs + 50)));
  const later = nowMs + ttlMs + 1;
  const taken = await store.acquireRefreshLock(first, ttlMs, later);
  if (!taken) fail(`a lock must expire after ttlMs (${ttlMs} ms)`);
  await again.release(); // the expired holder's release must not free the new holder's lock
  if (await store.acquireRefreshLock(first, ttlMs, later)) {
    fail('releasing an expired lock must not release the lock someone else holds now');
  }
  await taken.release();
}
