import { isOperationName, operations } from '../catalogue/operations.js';
import { type ApiErrorDetail, WechatPayApiError } from '../errors/index.js';
import type { HttpResponse } from '../transport/http-exchange.js';

function parseErrorBody(body: string): { code?: unknown; message?: unknown; detail?: unknown } {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/** What the operation's row says about retrying this status and code, if it says anything. */
function documentedRetryable(
  operation: string | undefined,
  status: number,
  code: string,
): boolean | undefined {
  if (operation === undefined || !isOperationName(operation)) return undefined;
  return operations[operation].errors.find((e) => e.status === status && e.code === code)?.retryable;
}

/**
 * A non-2xx answer as `WechatPayApiError`. Error bodies are not verified (401s are never signed, other
 * errors only sometimes) and may not even be JSON (a gateway's HTML 502): missing members fall back to
 * `HTTP_<status>` and a snippet of the body.
 */
export function apiErrorFromResponse(input: {
  response: HttpResponse;
  operation: string | undefined;
  method: string;
  url: string;
}): WechatPayApiError {
  const { response } = input;
  const parsed = parseErrorBody(response.body);
  const code =
    typeof parsed.code === 'string' && parsed.code !== '' ? parsed.code : `HTTP_${response.status}`;
  const snippet = response.body.trim().slice(0, 200);
  const message =
    typeof parsed.message === 'string' ? parsed.message : snippet === '' ? 'no response body' : snippet;
  const detail =
    typeof parsed.detail === 'object' && parsed.detail !== null && !Array.isArray(parsed.detail)
      ? (parsed.detail as ApiErrorDetail)
      : undefined;
  return new WechatPayApiError({
    status: response.status,
    code,
    message,
    detail,
    requestId: response.headers['request-id'],
    headers: response.headers,
    body: response.body,
    operation: input.operation,
    method: input.method,
    url: input.url,
    retryable: documentedRetryable(input.operation, response.status, code),
  });
}
