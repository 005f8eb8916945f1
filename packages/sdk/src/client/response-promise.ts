/** What a successful call's HTTP answer said besides its body: what a support ticket to WeChat Pay quotes. */
export interface ResponseInfo {
  /** The 2xx status (200, or 204 for answers without a body). */
  status: number;
  /** Every response header, names in lower case; repeated headers joined with `, `. */
  headers: Readonly<Record<string, string>>;
  /** WeChat Pay's `Request-ID`; `undefined` only if the answer carried none. */
  requestId: string | undefined;
  /** The URL of the attempt that succeeded: shows a failover to the backup domain. */
  url: string;
  /** How many attempts the call took (1 when the first one succeeded). */
  attempts: number;
}

/** `await call.withResponse()`: the parsed body (`undefined` for 204) and the answer's metadata side by side. */
export interface WithResponse<T> extends ResponseInfo {
  data: T;
}

/**
 * The promise every client call returns. Awaiting it gives the parsed body, as a plain promise would;
 * `.withResponse()` gives `{ data, status, headers, requestId, url, attempts }` of the same call (it sends
 * nothing again). The metadata lives beside the body rather than on it, so it is there for 204 answers too
 * and never leaks into `JSON.stringify(data)` or a spread.
 *
 * The body promise is derived only when someone asks for it (`then`/`catch`/`finally`): a caller that uses
 * only `.withResponse()` must not get an unhandled rejection from a body promise it never saw.
 */
export class WechatPayPromise<T> extends Promise<T> {
  readonly #result: Promise<WithResponse<T>>;
  #data: Promise<T> | undefined;

  constructor(result: Promise<WithResponse<T>>) {
    // The base promise is a placeholder: then/catch/finally below delegate to the call's own result.
    super((resolve) => resolve(undefined as T));
    this.#result = result;
  }

  // Promise methods called on an instance (then, finally) build plain promises, not another WechatPayPromise.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  /** The call's body together with its status, headers, `Request-ID`, URL and attempt count. */
  withResponse(): Promise<WithResponse<T>> {
    return this.#result;
  }

  #body(): Promise<T> {
    this.#data ??= this.#result.then((result) => result.data);
    return this.#data;
  }

  // `reason: any`, as Promise's own signature has it: user code written against a plain promise
  // (`.catch((e) => e.code)`) must keep compiling.
  // biome-ignore lint/suspicious/noThenProperty: this is a promise; then must read the call's result, not the placeholder
  override then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    // biome-ignore lint/suspicious/noExplicitAny: the standard Promise signature
    onRejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#body().then(onFulfilled, onRejected);
  }

  // biome-ignore lint/suspicious/noExplicitAny: the standard Promise signature
  override catch<R = never>(onRejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.#body().catch(onRejected);
  }

  override finally(onFinally?: (() => void) | null): Promise<T> {
    return this.#body().finally(onFinally);
  }
}
