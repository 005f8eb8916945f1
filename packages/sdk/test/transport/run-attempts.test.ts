import { describe, expect, it } from 'vitest';
import {
  WechatPayAbortError,
  WechatPayApiError,
  WechatPayNetworkError,
  WechatPaySignatureError,
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
    operation: 'transferBills.cancel',
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
      ['transferBills.cancel', 2, 50],
      ['transferBills.cancel', 3, 100],
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
