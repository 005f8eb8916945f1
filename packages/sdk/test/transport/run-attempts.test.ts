import { describe, expect, it } from 'vitest';
import {
  WechatPayAbortError,
  WechatPayApiError,
  WechatPayNetworkError,
  WechatPaySignatureError,
  WechatPayTimeoutError,
} from '../../src/errors/index.js';
import { MemoryTokenStore } from '../../src/transport/memory-token-store.js';
import { RateLimiter } from '../../src/transport/rate-limiter.js';
import { type AttemptContext, type RetryEvent, runAttempts } from '../../src/transport/run-attempts.js';
import { FakeClock } from '../support/fake-clock.js';

const PRIMARY = 'https://primary.test';
const BACKUP = 'https://backup.test';

function apiError(status: number, headers: Record<string, string> = {}) {
  return new WechatPayApiError({
    status,
    code: 'X',
    message: 'x',
    headers,
    body: '',
    method: 'POST',
    url: 'u',
  });
}

/** A `send` that fails with the given errors in turn, then succeeds; records every attempt. */
function scripted(failures: unknown[]) {
  const attempts: AttemptContext[] = [];
  const send = async (context: AttemptContext) => {
    attempts.push(context);
    const failure = failures.shift();
    if (failure !== undefined) throw failure;
    return 'ok';
  };
  return { attempts, send };
}

function base(clock: FakeClock) {
  return {
    operation: 'transferBills.partnerCancel',
    method: 'POST',
    urlFor: (b: string) => `${b}/v3/x`,
    baseUrl: PRIMARY,
    backupBaseUrl: BACKUP as string | false,
    retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1_000 } as const,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
  };
}

describe('runAttempts', () => {
  it('retries a 503 with backoff, moving to the backup domain, and returns the eventual success', async () => {
    const clock = new FakeClock(0);
    const { attempts, send } = scripted([apiError(503), apiError(503)]);
    const events: RetryEvent[] = [];
    const result = await runAttempts({ ...base(clock), send, onRetry: (e) => events.push(e) });
    expect(result).toBe('ok');
    expect(attempts).toEqual([
      { attempt: 1, baseUrl: PRIMARY },
      { attempt: 2, baseUrl: BACKUP },
      { attempt: 3, baseUrl: BACKUP },
    ]);
    expect(clock.sleeps).toEqual([50, 100]);
    expect(events.map((e) => [e.operation, e.attempt, e.delayMs])).toEqual([
      ['transferBills.partnerCancel', 2, 50],
      ['transferBills.partnerCancel', 3, 100],
    ]);
  });

  it('throws the last failure once maxRetries is spent', async () => {
    const clock = new FakeClock(0);
    const last = apiError(500);
    const { attempts, send } = scripted([apiError(500), apiError(500), apiError(500), last]);
    await expect(runAttempts({ ...base(clock), send })).rejects.toBe(last);
    expect(attempts).toHaveLength(4);
  });

  it('sends once when retries are disabled', async () => {
    const clock = new FakeClock(0);
    const { attempts, send } = scripted([apiError(503)]);
    await expect(runAttempts({ ...base(clock), retry: false, send })).rejects.toMatchObject({ status: 503 });
    expect(attempts).toHaveLength(1);
  });

  it('does not retry a signature failure or a 400', async () => {
    for (const failure of [new WechatPaySignatureError('BAD_SIGNATURE', 'x'), apiError(400)]) {
      const clock = new FakeClock(0);
      const { attempts, send } = scripted([failure]);
      await expect(runAttempts({ ...base(clock), send })).rejects.toBe(failure);
      expect(attempts).toHaveLength(1);
    }
  });

  it('stays on the primary for a 429 and waits its Retry-After', async () => {
    const clock = new FakeClock(0);
    const { attempts, send } = scripted([apiError(429, { 'retry-after': '1' })]);
    await runAttempts({ ...base(clock), send });
    expect(attempts.map((a) => a.baseUrl)).toEqual([PRIMARY, PRIMARY]);
    expect(clock.sleeps).toEqual([1_000]);
  });

  it('does not fail over when the backup is disabled', async () => {
    const clock = new FakeClock(0);
    const { attempts, send } = scripted([new WechatPayNetworkError('POST', 'u', new Error('ECONNREFUSED'))]);
    await runAttempts({ ...base(clock), backupBaseUrl: false, send });
    expect(attempts.map((a) => a.baseUrl)).toEqual([PRIMARY, PRIMARY]);
  });

  it('turns an abort during the backoff into WechatPayAbortError and sends nothing more', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    const { attempts, send } = scripted([apiError(503)]);
    const failure = runAttempts({
      ...base(clock),
      signal: controller.signal,
      send,
      onRetry: () => controller.abort(),
    });
    await expect(failure).rejects.toBeInstanceOf(WechatPayAbortError);
    await expect(failure).rejects.toThrow('https://backup.test/v3/x');
    expect(attempts).toHaveLength(1);
  });

  it('takes a rate-limit token before every attempt', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ store: new MemoryTokenStore(), now: clock.now, sleep: clock.sleep });
    const { attempts, send } = scripted([apiError(503)]);
    // One token per second, burst 1: the retry needs a second token and waits for it after its backoff.
    await runAttempts({ ...base(clock), send, rateLimit: { limiter, key: 'm:op', perSecond: 1 } });
    expect(attempts).toHaveLength(2);
    expect(clock.sleeps).toEqual([50, 950]);
  });

  it('turns an abort while waiting for a token into WechatPayAbortError', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ store: new MemoryTokenStore(), now: clock.now, sleep: clock.sleep });
    await limiter.acquire('m:op', 1);
    const { attempts, send } = scripted([]);
    await expect(
      runAttempts({
        ...base(clock),
        send,
        signal: AbortSignal.abort(),
        rateLimit: { limiter, key: 'm:op', perSecond: 1 },
      }),
    ).rejects.toBeInstanceOf(WechatPayAbortError);
    expect(attempts).toHaveLength(0);
  });
});

describe('runAttempts with deadlineMs', () => {
  /** Fails every attempt with `error`, moving the clock by `takesMs` as if the attempt took that long. */
  function alwaysFailing(clock: FakeClock, error: () => unknown, takesMs = 0) {
    const attempts: AttemptContext[] = [];
    const send = async (context: AttemptContext): Promise<string> => {
      attempts.push(context);
      clock.advance(takesMs);
      throw error();
    };
    return { attempts, send };
  }

  it('fails with WechatPayTimeoutError instead of starting a backoff that would end after the deadline', async () => {
    const clock = new FakeClock(0);
    const last = apiError(503);
    const { attempts, send } = alwaysFailing(clock, () => last);
    // Backoff with random 0.5: 50, 100, 200 ms. After 50 + 100 the next 200 would end at 350 > 250.
    const failure = runAttempts({ ...base(clock), send, deadlineMs: 250 });
    await expect(failure).rejects.toBeInstanceOf(WechatPayTimeoutError);
    const error = (await failure.catch((e: unknown) => e)) as WechatPayTimeoutError;
    expect(error.cause).toBe(last);
    expect(error.retryable).toBe(true);
    expect(error.timeoutMs).toBe(250);
    expect(error).toMatchObject({ deadlineMs: 250, attempts: 3 });
    expect(error.message).toBe(
      `POST ${BACKUP}/v3/x: no response within the call's deadline of 250 ms after 3 attempt(s)`,
    );
    expect(attempts).toHaveLength(3);
    expect(clock.sleeps).toEqual([50, 100]);
    // Failed at once: no time was spent waiting for the retry that could not fit.
    expect(clock.nowMs).toBe(150);
  });

  it('gives each attempt min(timeoutMs, time left)', async () => {
    const clock = new FakeClock(0);
    const { attempts, send } = alwaysFailing(clock, () => apiError(503), 10);
    // Every retry fits, so the retries run out first and the last 503 surfaces as it is.
    await expect(
      runAttempts({ ...base(clock), send, timeoutMs: 200, deadlineMs: 500 }),
    ).rejects.toBeInstanceOf(WechatPayApiError);
    // Starts at 0, 60 (10 + 50), 170 (70 + 100), 380 (180 + 200): left 500, 440, 330, 120.
    expect(attempts.map((a) => a.timeoutMs)).toEqual([200, 200, 200, 120]);
  });

  it('turns an attempt cut short by the deadline into the deadline error without retrying', async () => {
    const clock = new FakeClock(0);
    const cut = new WechatPayTimeoutError('POST', `${PRIMARY}/v3/x`, 80);
    const { attempts, send } = alwaysFailing(clock, () => cut, 80);
    const failure = runAttempts({ ...base(clock), send, timeoutMs: 10_000, deadlineMs: 80 });
    await expect(failure).rejects.toThrow(
      "no response within the call's deadline of 80 ms after 1 attempt(s)",
    );
    await expect(failure).rejects.toMatchObject({ cause: cut, timeoutMs: 80 });
    expect(attempts).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('still retries an attempt that hit its own timeoutMs while the deadline is further away', async () => {
    const clock = new FakeClock(0);
    const { attempts, send } = scripted([new WechatPayTimeoutError('POST', `${PRIMARY}/v3/x`, 100)]);
    await expect(runAttempts({ ...base(clock), send, timeoutMs: 100, deadlineMs: 1_000 })).resolves.toBe(
      'ok',
    );
    expect(attempts.map((a) => a.timeoutMs)).toEqual([100, 100]);
  });

  it('fails without sending when the rate-limit wait would end after the deadline', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ store: new MemoryTokenStore(), now: clock.now, sleep: clock.sleep });
    await limiter.acquire('m:op', 1);
    const { attempts, send } = scripted([]);
    const failure = runAttempts({
      ...base(clock),
      send,
      deadlineMs: 999,
      rateLimit: { limiter, key: 'm:op', perSecond: 1 },
    });
    const error = await failure.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatPayTimeoutError);
    expect((error as Error).message).toContain('deadline of 999 ms after 0 attempt(s)');
    expect((error as Error).cause).toBeUndefined();
    expect(attempts).toHaveLength(0);
    expect(clock.sleeps).toEqual([]);
  });

  it('waits for a token that arrives before the deadline and sends with the time that is left', async () => {
    const clock = new FakeClock(0);
    const limiter = new RateLimiter({ store: new MemoryTokenStore(), now: clock.now, sleep: clock.sleep });
    await limiter.acquire('m:op', 1);
    const { attempts, send } = scripted([]);
    await expect(
      runAttempts({
        ...base(clock),
        send,
        timeoutMs: 5_000,
        deadlineMs: 1_500,
        rateLimit: { limiter, key: 'm:op', perSecond: 1 },
      }),
    ).resolves.toBe('ok');
    expect(clock.sleeps).toEqual([1_000]);
    expect(attempts.map((a) => a.timeoutMs)).toEqual([500]);
  });

  it('lets a final error that is not retried surface as itself, even past the deadline', async () => {
    const clock = new FakeClock(0);
    const final = apiError(400);
    const { send } = alwaysFailing(clock, () => final, 500);
    await expect(runAttempts({ ...base(clock), send, deadlineMs: 100 })).rejects.toBe(final);
  });

  it('without deadlineMs passes timeoutMs through unchanged and uses every retry', async () => {
    const clock = new FakeClock(0);
    const { attempts, send } = alwaysFailing(clock, () => apiError(503), 60_000);
    await expect(runAttempts({ ...base(clock), send, timeoutMs: 200 })).rejects.toBeInstanceOf(
      WechatPayApiError,
    );
    expect(attempts.map((a) => a.timeoutMs)).toEqual([200, 200, 200, 200]);
  });
});
