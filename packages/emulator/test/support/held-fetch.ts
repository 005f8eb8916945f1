/**
 * A `fetch` for the delivery worker whose answers the test releases: every call waits until `release()`, or
 * until its signal aborts (then it rejects, as the real fetch does). Counts what happened to each call.
 */
export interface HeldFetch {
  fetch: typeof fetch;
  /** Calls made so far. */
  readonly calls: number;
  /** Calls that ended because their signal aborted before they were released. */
  readonly aborted: number;
  /** Answers every call still waiting with `status`. */
  release(status?: number): void;
}

export function heldFetch(): HeldFetch {
  const waiting = new Set<(response: Response) => void>();
  const counts = { calls: 0, aborted: 0 };
  const fetchHeld: typeof fetch = (_input, init) =>
    new Promise<Response>((resolve, reject) => {
      counts.calls++;
      const signal = init?.signal;
      const answer = (response: Response) => {
        waiting.delete(answer);
        resolve(response);
      };
      waiting.add(answer);
      signal?.addEventListener('abort', () => {
        if (!waiting.delete(answer)) return;
        counts.aborted++;
        reject(signal.reason);
      });
    });
  return {
    fetch: fetchHeld,
    get calls() {
      return counts.calls;
    },
    get aborted() {
      return counts.aborted;
    },
    release(status = 204) {
      for (const answer of [...waiting]) answer(new Response(null, { status }));
    },
  };
}

/** Waits (real time, bounded) until `condition` holds. */
export async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
