import { WechatPayError } from './wechat-pay-error.js';

/** The `detail` object of an APIv3 error body; its shape varies, so every member is optional. */
export interface ApiErrorDetail {
  field?: string;
  value?: unknown;
  issue?: string;
  location?: string;
  [key: string]: unknown;
}

export interface WechatPayApiErrorInit {
  status: number;
  code: string;
  message: string;
  detail?: ApiErrorDetail | undefined;
  requestId?: string | undefined;
  headers: Record<string, string>;
  body: string;
  operation?: string | undefined;
  method: string;
  url: string;
  /** What the operation documents for this code, when it says; otherwise the status decides. */
  retryable?: boolean | undefined;
}

/** Status codes after which WeChat Pay asks for the same request to be sent again with the same parameters. */
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

/** WeChat Pay answered with a non-2xx status. Carries everything needed to act on it or to quote it to support. */
export class WechatPayApiError extends WechatPayError {
  readonly status: number;
  readonly code: string;
  readonly detail: ApiErrorDetail | undefined;
  readonly requestId: string | undefined;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly operation: string | undefined;
  readonly method: string;
  readonly url: string;

  constructor(init: WechatPayApiErrorInit) {
    const where = `${init.operation ?? `${init.method} ${init.url}`}`;
    const id = init.requestId ? ` (Request-ID ${init.requestId})` : '';
    super(`${where} failed: ${init.status} ${init.code}: ${init.message}${id}`, {
      retryable: init.retryable ?? RETRYABLE_STATUSES.has(init.status),
    });
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.requestId = init.requestId;
    this.headers = init.headers;
    this.body = init.body;
    this.operation = init.operation;
    this.method = init.method;
    this.url = init.url;
  }
}
