import { describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../src/transport/memory-token-store.js';

describe('MemoryTokenStore', () => {
  it('starts full: allows `burst` takes at one instant, then says how long until the next token', async () => {
    const store = new MemoryTokenStore();
    const results = [];
    for (let i = 0; i < 51; i++) results.push(await store.take('m:authorizations.close', 50, 50, 1_000));
    expect(results.slice(0, 50).every((r) => r.ok)).toBe(true);
    expect(results[50]).toEqual({ ok: false, retryAfterMs: 20 });
  });

  it('refills continuously at the rate and never above burst', async () => {
    const store = new MemoryTokenStore();
    for (let i = 0; i < 10; i++) await store.take('k', 10, 10, 0);
    expect(await store.take('k', 10, 10, 0)).toEqual({ ok: false, retryAfterMs: 100 });
    expect(await store.take('k', 10, 10, 100)).toEqual({ ok: true });
    expect(await store.take('k', 10, 10, 150)).toEqual({ ok: false, retryAfterMs: 50 });
    // An hour later the bucket holds `burst` tokens, not 36 000.
    let granted = 0;
    while ((await store.take('k', 10, 10, 3_600_000)).ok) granted++;
    expect(granted).toBe(10);
  });

  it('keeps buckets apart by key', async () => {
    const store = new MemoryTokenStore();
    expect(await store.take('a', 1, 1, 0)).toEqual({ ok: true });
    expect(await store.take('a', 1, 1, 0)).toEqual({ ok: false, retryAfterMs: 1_000 });
    expect(await store.take('b', 1, 1, 0)).toEqual({ ok: true });
  });

  it('does not drain or overfill when the clock steps backwards', async () => {
    const store = new MemoryTokenStore();
    expect(await store.take('k', 1, 1, 10_000)).toEqual({ ok: true });
    expect(await store.take('k', 1, 1, 5_000)).toEqual({ ok: false, retryAfterMs: 1_000 });
    expect(await store.take('k', 1, 1, 11_000)).toEqual({ ok: true });
  });
});
