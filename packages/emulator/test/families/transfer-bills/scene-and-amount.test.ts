import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { enabledTransferScenes, KNOWN_TRANSFER_SCENES } from '../../../src/families/shared/transfer-scene.js';
import { transferBillsFamily } from '../../../src/families/transfer-bills/index.js';
import { getPayerRules } from '../../../src/families/transfer-bills/store.js';
import { expectApiError, SERVICE_PROVIDER } from '../support/family-harness.js';
import { create, createBody, environment, OUT_BILL_NO } from './support.js';

describe('transferBills: what the emulator answers beyond the catalogue', () => {
  it.each(['1006', '1001', '2001'])(
    'a scene the merchant does not have (%s) is 400 INVALID_REQUEST 你尚未获取该转账场景, not a format error',
    (scene) => {
      const error = expectApiError(
        () => create(environment(), { transfer_scene_id: scene }),
        400,
        'INVALID_REQUEST',
      );
      expect(error.detail).toMatchObject({ field: '/transfer_scene_id', value: scene, location: 'body' });
    },
  );

  it('a transfer of 0 fen is 400 PARAM_ERROR on /transfer_amount', () => {
    const error = expectApiError(() => create(environment(), { transfer_amount: 0 }), 400, 'PARAM_ERROR');
    expect(error.detail).toMatchObject({ field: '/transfer_amount', value: 0 });
    expect(error.message).toContain('转账金额不能小于1分');
  });

  it('the query finds the bill by out_bill_no alone when sub_mchid is left out (选填)', () => {
    const env = environment();
    create(env);
    const answer = env.call('transferBills.partnerGet', {
      caller: SERVICE_PROVIDER,
      params: { out_bill_no: OUT_BILL_NO },
      query: {},
    });
    expect(answer.body).toMatchObject({ out_bill_no: OUT_BILL_NO, sub_mchid: createBody().sub_mchid });
  });
});

describe('transferBills: the scenes of a merchant, kept where authorizations read them too', () => {
  it('scenes stored with the quotas by an older emulator move to merchant_transfer_scenes at start', () => {
    const db = new BetterSqlite3(':memory:');
    db.exec(`CREATE TABLE transfer_payer_rules (payer_mchid TEXT PRIMARY KEY, per_transfer INTEGER,
      per_user_per_day INTEGER, per_day INTEGER, per_month INTEGER, scenes TEXT);
      INSERT INTO transfer_payer_rules (payer_mchid, per_day, scenes) VALUES ('1900001121', 500, '["1005"]');`);
    transferBillsFamily.migrate(db);
    transferBillsFamily.migrate(db); // every start runs it again
    expect(enabledTransferScenes(db, '1900001121')).toEqual(['1005']);
    expect(enabledTransferScenes(db, '1900009999')).toEqual(KNOWN_TRANSFER_SCENES);
    expect(getPayerRules(db, '1900001121')).toEqual({ perDay: 500 });
  });
});
