import { describe, expect, it } from 'vitest';
import { apiErrorFromResponse } from '../../src/client/api-error-from-response.js';

function response(status: number, body: string, headers: Record<string, string> = {}) {
  return { status, headers, body, bodyBytes: new TextEncoder().encode(body) };
}

describe('apiErrorFromResponse', () => {
  it('reads code, message, detail and Request-ID from a JSON error body', () => {
    const body = JSON.stringify({
      code: 'PARAM_ERROR',
      message: '参数错误',
      detail: {
        field: '/amount/currency',
        value: 'XYZ',
        issue: 'Currency code is invalid',
        location: 'body',
      },
    });
    const error = apiErrorFromResponse({
      response: response(400, body, { 'request-id': 'RID-9' }),
      operation: 'transferBills.partnerCreate',
      method: 'POST',
      url: 'https://api.mch.weixin.qq.com/v3/x',
    });
    expect(error).toMatchObject({
      status: 400,
      code: 'PARAM_ERROR',
      detail: { field: '/amount/currency', location: 'body' },
      requestId: 'RID-9',
      body,
      retryable: false,
    });
    expect(error.message).toBe(
      'transferBills.partnerCreate failed: 400 PARAM_ERROR: 参数错误 (Request-ID RID-9)',
    );
  });

  it('falls back to HTTP_<status> and a body snippet for a non-JSON body', () => {
    const error = apiErrorFromResponse({
      response: response(502, '<html>Bad Gateway</html>'),
      operation: undefined,
      method: 'GET',
      url: 'https://api.mch.weixin.qq.com/v3/x',
    });
    expect(error).toMatchObject({
      status: 502,
      code: 'HTTP_502',
      detail: undefined,
      requestId: undefined,
      retryable: true,
    });
    expect(error.message).toContain('<html>Bad Gateway</html>');
  });

  it('ignores a detail that is not an object and says when the body is empty', () => {
    const error = apiErrorFromResponse({
      response: response(500, ''),
      operation: 'x.y',
      method: 'GET',
      url: 'u',
    });
    expect(error.message).toContain('no response body');
    const withArray = apiErrorFromResponse({
      response: response(400, '{"code":"PARAM_ERROR","message":"m","detail":[1]}'),
      operation: 'x.y',
      method: 'GET',
      url: 'u',
    });
    expect(withArray.detail).toBeUndefined();
  });

  it('takes retryable from the row when the operation documents the error as retryable', () => {
    const needRetry = (operation: string | undefined) =>
      apiErrorFromResponse({
        response: response(400, '{"code":"BIZ_ERR_NEED_RETRY","message":"请稍后重试"}'),
        operation,
        method: 'POST',
        url: 'u',
      });
    expect(needRetry('cancelWithdraws.apply').retryable).toBe(true);
    // The same answer from an operation that does not document it, or from request(), keeps the status rule.
    expect(needRetry('cancelWithdraws.confirm').retryable).toBe(false);
    expect(needRetry(undefined).retryable).toBe(false);
    const other = apiErrorFromResponse({
      response: response(400, '{"code":"ALREADY_EXISTS","message":"m"}'),
      operation: 'cancelWithdraws.apply',
      method: 'POST',
      url: 'u',
    });
    expect(other.retryable).toBe(false);
  });
});
