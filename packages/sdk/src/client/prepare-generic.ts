import { WechatPayValidationError } from '../errors/index.js';
import { expandPath, type UrlValue } from '../protocol/index.js';
import type { PreparedRequest } from './prepared-request.js';
import { buildRequestTarget } from './request-target.js';
import type { ClientContext } from './resolve-options.js';
import { encryptRequestBody } from './sensitive-fields.js';
import type { CallOptions } from './wechat-pay-options.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Any APIv3 endpoint the catalogue does not cover, with the same signing, verification, retries and failover. */
export interface GenericRequest extends CallOptions {
  method: HttpMethod;
  /** Path template such as `/v3/refund/domestic/refunds/{out_refund_no}`; no query string (use `query`). */
  path: string;
  /** Values for the `{name}` placeholders; percent-encoded. */
  params?: Readonly<Record<string, UrlValue>> | undefined;
  /** Sent in the given key order; `undefined` values are left out. */
  query?: Readonly<Record<string, UrlValue | undefined>> | undefined;
  /** An object is serialized with JSON.stringify; a string is sent (and signed) as it is. */
  body?: unknown;
  /**
   * JSON pointers of sensitive fields: `request` ones are RSA-OAEP encrypted with the platform key (and
   * `Wechatpay-Serial` is sent); `response` ones are decrypted with the merchant key. Needs an object body.
   */
  sensitive?:
    | { request?: readonly string[] | undefined; response?: readonly string[] | undefined }
    | undefined;
}

const METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

function invalid(field: string, value: unknown, issue: string, location: 'url' | 'query' | 'body'): never {
  throw new WechatPayValidationError({ operation: 'request', field, value, issue, location });
}

export function prepareGeneric(context: ClientContext, request: GenericRequest): PreparedRequest {
  if (typeof request !== 'object' || request === null)
    invalid('', request, 'must be a request object', 'url');
  const method = typeof request.method === 'string' ? request.method.toUpperCase() : '';
  if (!METHODS.has(method))
    invalid('/method', request.method, 'must be GET, POST, PUT, PATCH or DELETE', 'url');
  const { path } = request;
  if (typeof path !== 'string' || !path.startsWith('/') || /[?#\s]/.test(path)) {
    invalid(
      '/path',
      path,
      'must be an absolute path such as /v3/…, without query string, fragment or spaces',
      'url',
    );
  }

  let expanded: string;
  try {
    expanded = expandPath(path, request.params ?? {});
  } catch (error) {
    return invalid('/params', request.params, (error as Error).message, 'url');
  }

  const requestPointers = request.sensitive?.request ?? [];
  let body: string | undefined;
  let wechatpaySerial: string | undefined;
  if (request.body !== undefined) {
    if (method === 'GET' || method === 'DELETE')
      invalid('/body', request.body, `${method} requests carry no body`, 'body');
    if (typeof request.body === 'string') {
      if (requestPointers.length > 0)
        invalid('/body', '…', 'sensitive fields need an object body to encrypt', 'body');
      body = request.body;
    } else {
      const encrypted = encryptRequestBody(context, request.body, requestPointers, false);
      body = JSON.stringify(encrypted.body);
      wechatpaySerial = encrypted.wechatpaySerial;
    }
  }

  return {
    label: `${method} ${path}`,
    operation: undefined,
    method,
    pathAndQuery: buildRequestTarget('request', expanded, request.query),
    body,
    wechatpaySerial,
    expectsBody: false,
    responseSensitive: request.sensitive?.response ?? [],
    ratePerSecond: undefined,
  };
}
