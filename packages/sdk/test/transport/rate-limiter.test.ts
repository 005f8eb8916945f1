import { describe, expect, it } from 'vitest';
import { MemoryTokenStore } from '../../src/transport/memory-token-store.js';
import { RateLimiter } from '../../src/transport/rate-limiter.js';
import type { TokenStore } from '../../src/transport/token-store.js';
import { FakeClock } from '../support/fake-clock.js';

describe('RateLimiter', () => {
  it('lets 50 through at once and makes the 51st wait for the next token', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ store: new MemoryTokenStore(), now: clock.now, sleep: clock.sleep });
    for (let i = 0; i < 50; i++) await limiter.acquire('m:authorizations.close', 50);
    expect(clock.sleeps).toEqual([]);
    await limiter.acquire('m:authorizations.close', 50);
    expect(clock.sleeps).toEqual([20]);
    expect(clock.nowMs).toBe(20);
  });

  it('waits as long as the store says, retrying until a token comes', async () => {
    const answers = [
      { ok: false as const, retryAfterMs: 30 },
      { ok: false as const, retryAfterMs: 0 },
      { ok: true as const },
    ];
    const seen: Array<[string, number, number, number]> = [];
    const store: TokenStore = {
      async take(key, rate, burst, now) {
        seen.push([key, rate, burst, now]);
        return answers.shift()!;
      },
    };
    const clock = new FakeClock(1_000);
    const limiter = new RateLimiter({ store, now: clock.now, sleep: clock.sleep });
    await limiter.acquire('k', 5);
    // A zero wait is stretched to 1 ms so a misbehaving store cannot cause a busy loop.
    expect(clock.sleeps).toEqual([30, 1]);
    expect(seen).toEqual([
      ['k', 5, 5, 1_000],
      ['k', 5, 5, 1_030],
      ['k', 5, 5, 1_031],
    ]);
  });

  it('stops waiting when the signal fires, with the signal reason', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ store: new MemoryTokenStore(), now: clock.now, sleep: clock.sleep });
    await limiter.acquire('k', 1);
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await expect(limiter.acquire('k', 1, controller.signal)).rejects.toBe(reason);
  });

  it('gives up waiting during a real sleep when aborted', async () => {
    const { sleep } = await import('../../src/transport/sleep.js');
    const limiter = new RateLimiter({ store: new MemoryTokenStore(), now: Date.now, sleep });
    await limiter.acquire('slow', 0.001);
    const controller = new AbortController();
    const pending = limiter.acquire('slow', 0.001, controller.signal);
    setTimeout(() => controller.abort(new Error('stop')), 5);
    await expect(pending).rejects.toThrow('stop');
  });

  it('answers false at once, without waiting, when the next token comes after waitUntilMs', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ store: new MemoryTokenStore(), now: clock.now, sleep: clock.sleep });
    expect(await limiter.acquire('k', 1, undefined, 1, 0)).toBe(true);
    expect(await limiter.acquire('k', 1, undefined, 1, 999)).toBe(false);
    expect(clock.sleeps).toEqual([]);
    // The refused call took nothing, so a caller who can wait still gets the token at 1 000 ms.
    expect(await limiter.acquire('k', 1, undefined, 1, 1_000)).toBe(true);
    expect(clock.sleeps).toEqual([1_000]);
  });

  it("hands the store the caller's signal and deadline, so a networked store can stop waiting on them", async () => {
    const seen: unknown[] = [];
    const store: TokenStore = {
      async take(_key, _rate, _burst, _now, options) {
        seen.push(options);
        return { ok: true };
      },
    };
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ store, now: clock.now, sleep: clock.sleep });
    const { signal } = new AbortController();
    await limiter.acquire('k', 1, signal, 1, 2_500);
    await limiter.acquire('k', 1);
    expect(seen).toEqual([
      { signal, waitUntilMs: 2_500 },
      { signal: undefined, waitUntilMs: undefined },
    ]);
  });
});
