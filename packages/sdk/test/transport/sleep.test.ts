import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/transport/sleep.js';

describe('sleep', () => {
  it('resolves after the delay', async () => {
    const started = performance.now();
    await sleep(15);
    expect(performance.now() - started).toBeGreaterThanOrEqual(10);
  });

  it('rejects at once with the reason of an already aborted signal', async () => {
    const reason = new Error('already');
    await expect(sleep(10_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('rejects when the signal fires mid-sleep', async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort(new Error('later'));
    await expect(pending).rejects.toThrow('later');
  });

  const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  it('leaves no timer behind after an abort', async () => {
    const before = timeouts();
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    expect(timeouts()).toBe(before + 1);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    expect(timeouts()).toBe(before);
  });

  it('leaves no abort listener on the signal after resolving', async () => {
    const controller = new AbortController();
    const pending = sleep(1, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    await pending;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
