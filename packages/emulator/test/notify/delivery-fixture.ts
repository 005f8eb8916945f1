import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import {
  AUTHORIZATION_SCHEME,
  buildResponseSignMessage,
  generateNonce,
  PlatformKeyring,
  signSha256WithRsa,
} from '@wxpay-kit/sdk/protocol';
import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import type { Database, OutgoingNotification } from '../../src/families/family.js';
import { DeliveryWorker, type DeliveryWorkerDeps } from '../../src/notify/delivery-worker.js';
import { migrateOutbox } from '../../src/notify/outbox.js';
import type { ResponseSigner } from '../../src/wire/response-signer.js';

export const PLATFORM_SERIAL = 'PUB_KEY_ID_0000000000000024101100397200000006';
export const MCHID = '1900000001';
export const API_V3_KEY = '0123456789abcdef0123456789ABCDEF';
export const START = Date.parse('2025-03-01T10:00:00+08:00');

export interface PlatformKeys {
  privateKey: KeyObject;
  keyring: PlatformKeyring;
}

export function generatePlatformKeys(): PlatformKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, keyring: new PlatformKeyring({ publicKey: { id: PLATFORM_SERIAL, key: publicKey } }) };
}

/** Signs like the emulator's response signer: wall-clock timestamp, platform key, optional probe. */
export function testSigner(privateKey: KeyObject): ResponseSigner {
  return {
    serial: PLATFORM_SERIAL,
    async sign(body, options) {
      const timestamp = Math.floor(Date.now() / 1000);
      const nonce = generateNonce(32);
      const signature = options?.probe
        ? `WECHATPAY/SIGNTEST/${randomBytes(240).toString('base64')}`
        : await signSha256WithRsa(buildResponseSignMessage({ timestamp, nonce, body }), privateKey);
      return {
        'Wechatpay-Timestamp': String(timestamp),
        'Wechatpay-Nonce': nonce,
        'Wechatpay-Signature': signature,
        'Wechatpay-Serial': PLATFORM_SERIAL,
        'Wechatpay-Signature-Type': AUTHORIZATION_SCHEME,
      };
    },
  };
}

export class ManualClock {
  constructor(public t = START) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export function memoryDb(): Database {
  const db = new BetterSqlite3(':memory:');
  db.pragma('foreign_keys = ON');
  migrateOutbox(db);
  return db;
}

export function buildWorker(
  keys: PlatformKeys,
  overrides: Partial<DeliveryWorkerDeps> & Pick<DeliveryWorkerDeps, 'db' | 'clock'>,
): DeliveryWorker {
  return new DeliveryWorker({
    apiV3KeyOf: (mchid) => {
      if (mchid !== MCHID) throw new Error(`unknown merchant ${mchid}`);
      return API_V3_KEY;
    },
    signer: testSigner(keys.privateKey),
    logger: pino({ level: 'silent' }),
    probeFirstAttempt: () => false,
    ...overrides,
  });
}

export function transferBillNotification(url: string, outBillNo = 'plfk2020042013'): OutgoingNotification {
  return {
    mchid: MCHID,
    url,
    eventType: 'MCHTRANSFER.BILL.FINISHED',
    summary: '商家转账单据终态通知',
    originalType: 'mch_payment',
    associatedData: 'mch_payment',
    resource: {
      out_bill_no: outBillNo,
      transfer_bill_no: '1330000071100999991182020050700019480001',
      state: 'SUCCESS',
      mch_id: MCHID,
      transfer_amount: 2_000,
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      create_time: '2025-03-01T10:00:00+08:00',
      update_time: '2025-03-01T10:00:00+08:00',
    },
    family: 'transferBills',
    resourceKey: `${MCHID}:${outBillNo}`,
  };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
