import { describe, expect, it } from 'vitest';
import { controlBody, onlyFields } from '../../../src/families/shared/control-body.js';
import { errorOf } from '../support/family-harness.js';

describe('controlBody', () => {
  it('reads no body as an empty object and passes an object through', () => {
    expect(controlBody(undefined)).toEqual({});
    expect(controlBody(null)).toEqual({});
    const body = { reason: 'x' };
    expect(controlBody(body)).toBe(body);
  });

  it.each([['text'], [42], [[1, 2]]])('refuses %j: 400 PARAM_ERROR on the whole body', (body) => {
    expect(errorOf(() => controlBody(body))).toMatchObject({
      status: 400,
      code: 'PARAM_ERROR',
      message: 'body: the body must be a JSON object',
      detail: { field: '/', value: body, location: 'body' },
    });
  });
});

describe('onlyFields', () => {
  it('accepts the allowed members', () => {
    expect(() => onlyFields({ amount: 1 }, ['amount', 'return_reason'])).not.toThrow();
    expect(() => onlyFields({}, [])).not.toThrow();
  });

  it('names the first unknown member and what is allowed', () => {
    const error = errorOf(() => onlyFields({ amount: 1, memo: 'x' }, ['amount'], 'channel QR_RECHARGE'));
    expect(error).toMatchObject({ code: 'PARAM_ERROR', detail: { field: '/memo', value: 'x' } });
    expect(error.detail?.issue).toBe('unknown field for channel QR_RECHARGE; allowed: amount');
    expect(errorOf(() => onlyFields({ memo: 'x' }, ['amount'])).detail?.issue).toBe(
      'unknown field; allowed: amount',
    );
  });

  it('says when an action takes no fields at all', () => {
    expect(errorOf(() => onlyFields({ reason: 'x' }, [])).detail?.issue).toBe(
      'this action takes no body fields',
    );
  });
});
