import { describe, expect, it } from 'vitest';
import { bodyParamError } from '../../../src/families/shared/param-error.js';
import { ApiError } from '../../../src/wire/api-error.js';

describe('bodyParamError', () => {
  it('is a 400 PARAM_ERROR on a body field whose message names the field as a dotted path', () => {
    const error = bodyParamError('/recharge_amount/amount', 0, 'must be at least 1');
    expect(error).toBeInstanceOf(ApiError);
    expect(error.toBody()).toEqual({
      code: 'PARAM_ERROR',
      message: 'recharge_amount.amount: must be at least 1',
      detail: { field: '/recharge_amount/amount', value: 0, issue: 'must be at least 1', location: 'body' },
    });
    expect(error.status).toBe(400);
  });

  it('names the whole body for the root pointer', () => {
    expect(bodyParamError('', 'x', 'must be a JSON object').message).toBe('body: must be a JSON object');
  });
});
