import { ApiError } from '../../wire/api-error.js';

/**
 * 400 PARAM_ERROR on one field of a request or control-action body. `field` is a JSON pointer (`/a/b`, or `` for
 * the whole body); the message names the field as a dotted path so it reads without the detail.
 */
export function bodyParamError(field: string, value: unknown, issue: string): ApiError {
  const name = field.slice(1).replaceAll('/', '.') || 'body';
  return new ApiError(400, 'PARAM_ERROR', `${name}: ${issue}`, { field, value, issue, location: 'body' });
}
