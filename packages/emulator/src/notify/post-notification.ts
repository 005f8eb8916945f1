/** One HTTP POST of a notification body and how the merchant answered. */

export interface PostOutcome {
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  responseExcerpt: string | null;
  durationMs: number;
  /** No answer arrived because the caller's `signal` ended the exchange (the emulator closing or resetting). */
  abandoned: boolean;
}

const EXCERPT_CHARS = 512;

export async function postNotification(options: {
  fetch: typeof fetch;
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Abandons the exchange, e.g. when the emulator closes: the outcome is then `abandoned`, not a timeout. */
  signal?: AbortSignal;
}): Promise<PostOutcome> {
  const timeout = new AbortController();
  // One deadline covers connect, headers and body: the merchant must have answered within it.
  const timer = setTimeout(() => timeout.abort(), options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout.signal, options.signal]) : timeout.signal;
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  try {
    const response = await options.fetch(options.url, {
      method: 'POST',
      headers: options.headers,
      body: options.body,
      // A redirect is not a 2xx answer from the notify URL; WeChat Pay does not follow it either.
      redirect: 'manual',
      signal,
    });
    const excerpt = await readExcerpt(response);
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      httpStatus: response.status,
      error: null,
      responseExcerpt: excerpt,
      durationMs: elapsed(),
      abandoned: false,
    };
  } catch (error) {
    const timedOut = timeout.signal.aborted;
    const abandoned = !timedOut && options.signal?.aborted === true;
    const reason = timedOut
      ? `timeout: no answer within ${options.timeoutMs} ms`
      : abandoned
        ? 'abandoned: the emulator stopped waiting before the merchant answered'
        : describe(error);
    return {
      ok: false,
      httpStatus: null,
      error: reason,
      responseExcerpt: null,
      durationMs: elapsed(),
      abandoned,
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The start of the answer, for a human to see why the merchant refused: the success rule needs only the status, so
 * at most EXCERPT_CHARS are read (a few bytes more for a split UTF-8 character) and the rest is never downloaded.
 * A slow or broken body must not change the outcome.
 */
async function readExcerpt(response: Response): Promise<string | null> {
  const reader = response.body?.getReader();
  if (!reader) return null;
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value.subarray(0, EXCERPT_CHARS * 4), { stream: true });
    }
    return text === '' ? null : text.slice(0, EXCERPT_CHARS);
  } catch {
    return text === '' ? null : text.slice(0, EXCERPT_CHARS);
  } finally {
    // Closes the connection when the body is not over yet, rather than reading it to the end.
    reader.cancel().catch(() => undefined);
  }
}

// fetch reports "fetch failed" and hides the useful part (ECONNREFUSED, ENOTFOUND, …) in `cause`.
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
