import { boundedEcho } from './bounded-json.js';

/** `detail` of an APIv3 error body, as WeChat Pay spells it. */
export interface ApiErrorDetail {
  field?: string;
  value?: unknown;
  issue?: string;
  location?: 'body' | 'url' | 'query' | 'header' | 'authorization';
  [key: string]: unknown;
}

/**
 * An error answer in APIv3 shape: `{code, message, detail?}` with an HTTP status. Family handlers, timers and
 * control actions throw it; the app turns it into the reply (signed, except 401 SIGN_ERROR).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: ApiErrorDetail | undefined;

  constructor(status: number, code: string, message: string, detail?: ApiErrorDetail) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    // A refused value is echoed, but never a whole megabyte of it.
    this.detail = detail && 'value' in detail ? { ...detail, value: boundedEcho(detail.value) } : detail;
  }

  toBody(): { code: string; message: string; detail?: ApiErrorDetail } {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}
