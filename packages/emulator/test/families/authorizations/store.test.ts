import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/open-database.js';
import {
  findAuthorization,
  insertAuthorization,
  migrate,
  type NewAuthorization,
} from '../../../src/families/authorizations/store.js';

const applied: NewAuthorization = {
  face: 'merchant',
  mchid: '1900000001',
  outAuthorizationNo: 'plfk2020042013',
  appid: 'wx8888888888888888',
  openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
  transferSceneId: '1000',
  userDisplayName: 'wx_123456',
  userRecvPerception: undefined,
  notifyUrl: 'https://merchant.example.com/authorization-notify',
  packageInfo: 'cGFja2FnZQ==',
  state: 'WAIT_USER_CONFIRM',
  createTime: 1_747_713_600_000,
  requestCanonical: '{"appid":"wx8888888888888888"}',
};

describe('insertAuthorization', () => {
  it('returns the record exactly as it is read back, for an applied and for a granted one', () => {
    const db = openDatabase(':memory:');
    migrate(db);
    const granted: NewAuthorization = {
      ...applied,
      face: 'partner',
      outAuthorizationNo: 'grant-1',
      userRecvPerception: '现金奖励',
      packageInfo: '',
      state: 'TAKING_EFFECT',
      authorizationId: '1330000071100999991182020050700019480001',
      authorizeTime: 1_747_713_601_000,
    };
    for (const record of [applied, granted]) {
      const inserted = insertAuthorization(db, record);
      expect(inserted).toStrictEqual(findAuthorization(db, record.mchid, record.outAuthorizationNo));
      expect(inserted.version).toBe(0);
    }
    db.close();
  });
});
