/** One HTTP POST of a notification body and how the merchant answered. */

export interface PostOutcome {
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  responseExcerpt: string | null;
  durationMs: number;
}

const EXCERPT_CHARS = 512;

export async function postNotification(options: {
  fetch: typeof fetch;
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}): Promise<PostOutcome> {
  const controller = new AbortController();
  // One deadline covers connect, headers and body: the merchant must have answered within it.
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  try {
    const response = await options.fetch(options.url, {
      method: 'POST',
      headers: options.headers,
      body: options.body,
      // A redirect is not a 2xx answer from the notify URL; WeChat Pay does not follow it either.
      redirect: 'manual',
      signal: controller.signal,
    });
    const excerpt = await readExcerpt(response);
    const ok = response.status >= 200 && response.status < 300;
    return { ok, httpStatus: response.status, error: null, responseExcerpt: excerpt, durationMs: elapsed() };
  } catch (error) {
    const reason = controller.signal.aborted
      ? `timeout: no answer within ${options.timeoutMs} ms`
      : describe(error);
    return { ok: false, httpStatus: null, error: reason, responseExcerpt: null, durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
  }
}

// The body only helps a human see why the merchant refused; a slow or broken body must not change the outcome.
async function readExcerpt(response: Response): Promise<string | null> {
  try {
    const text = await response.text();
    return text === '' ? null : text.slice(0, EXCERPT_CHARS);
  } catch {
    return null;
  }
}

// fetch reports "fetch failed" and hides the useful part (ECONNREFUSED, ENOTFOUND, …) in `cause`.
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
