import { findOperation, type OperationSpec, operationsByPath } from '@wxpay-kit/sdk/catalogue';
import { ApiError } from './api-error.js';
import { CERTIFICATES_PATH } from './certificates.js';

export type RouteMatch =
  | { kind: 'operation'; operation: OperationSpec; params: Record<string, string> }
  | { kind: 'certificates' };

/** 405: the path exists for other methods, listed in `Allow`. */
export class MethodNotAllowedError extends ApiError {
  constructor(
    method: string,
    path: string,
    readonly allow: string[],
  ) {
    super(405, 'METHOD_NOT_ALLOWED', `${path} 不支持 ${method} 方法 (allowed: ${allow.join(', ')})`);
  }
}

/** Finds the catalogue operation (or the built-in `/v3/certificates`) for a request, by method and raw path. */
export function matchRoute(method: string, rawUrl: string): RouteMatch {
  const path = rawUrl.split('?', 1)[0]!;
  if (path === CERTIFICATES_PATH) {
    if (method === 'GET') return { kind: 'certificates' };
    throw new MethodNotAllowedError(method, path, ['GET']);
  }
  const match = findOperation(method, path);
  if (match) return { kind: 'operation', operation: match.operation, params: match.params };
  const others = operationsByPath(path);
  if (others.length > 0) {
    throw new MethodNotAllowedError(method, path, [...new Set(others.map((op) => op.method))]);
  }
  throw new ApiError(404, 'NOT_FOUND', `请求的接口不存在：${method} ${path} is not an API of this emulator`);
}
