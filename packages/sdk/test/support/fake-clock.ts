import type { Sleep } from '../../src/transport/sleep.js';

/**
 * A clock that only moves when something sleeps on it: tests see every wait the SDK asked for without waiting.
 * Sleeping honours an AbortSignal like the real sleep (rejects with the signal's reason).
 */
export class FakeClock {
  nowMs: number;
  readonly sleeps: number[] = [];

  constructor(startMs = Date.now()) {
    this.nowMs = startMs;
  }

  now = (): number => this.nowMs;

  sleep: Sleep = async (ms, signal) => {
    signal?.throwIfAborted();
    this.sleeps.push(ms);
    this.nowMs += ms;
    // Let other pending work run, as a real timer would.
    await Promise.resolve();
    signal?.throwIfAborted();
  };

  advance(ms: number): void {
    this.nowMs += ms;
  }
}
