import { describe, expect, it } from 'vitest';
import { expectApiError, SERVICE_PROVIDER } from '../support/family-harness.js';
import { create, createBody, environment, OUT_BILL_NO } from './support.js';

describe('transferBills: what the emulator answers beyond the catalogue', () => {
  it.each(['1006', '1001', '2001'])(
    'a scene the merchant does not have (%s) is 403 NO_AUTH, not a format error',
    (scene) => {
      const error = expectApiError(() => create(environment(), { transfer_scene_id: scene }), 403, 'NO_AUTH');
      expect(error.detail).toMatchObject({ field: '/transfer_scene_id', value: scene, location: 'body' });
    },
  );

  it('a transfer of 0 fen is 400 PARAM_ERROR on /transfer_amount', () => {
    const error = expectApiError(() => create(environment(), { transfer_amount: 0 }), 400, 'PARAM_ERROR');
    expect(error.detail).toMatchObject({ field: '/transfer_amount', value: 0 });
  });

  it('the query finds the bill by out_bill_no alone when sub_mchid is left out (选填)', () => {
    const env = environment();
    create(env);
    const answer = env.call('transferBills.get', {
      caller: SERVICE_PROVIDER,
      params: { out_bill_no: OUT_BILL_NO },
      query: {},
    });
    expect(answer.body).toMatchObject({ out_bill_no: OUT_BILL_NO, sub_mchid: createBody().sub_mchid });
  });
});
