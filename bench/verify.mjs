import { createDecipheriv, sign } from 'node:crypto';
import {
  decryptAeadAes256Gcm,
  generateNonce,
  openNotification,
  PlatformKeyring,
  sealNotification,
  verifySha256WithRsaSync,
  verifySignedMessage,
} from '@wxpay-kit/sdk/protocol';
import { benchKeys, cores, parallelism, rawRsaRates, threadPoolSize } from './support/machine.mjs';
import { measureAsync, measureSync } from './support/measure.mjs';
import { row } from './support/report.mjs';

/**
 * The receiving side of every call: response-signature verification against raw `crypto.verify`, and the
 * AEAD_AES_256_GCM decryption of a notification resource against raw `createDecipheriv`.
 */

const PUBLIC_KEY_ID = 'PUB_KEY_ID_0114232134912410000000000000';
const API_V3_KEY = 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb';
/** A transfer-bill notification resource of typical size. */
const RESOURCE = {
  mch_id: '1900001109',
  out_bill_no: 'plfk2020042013',
  transfer_bill_no: '1330000071100999991182020050700019480001',
  state: 'SUCCESS',
  transfer_amount: 2000,
  openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
  create_time: '2026-11-22T10:34:56+08:00',
  update_time: '2026-11-22T10:34:56+08:00',
};

/** A body signed the way WeChat Pay signs responses: "timestamp\nnonce\nbody\n". */
function signedMessage(privateKey, body) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = generateNonce();
  const signature = sign('sha256', Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), privateKey).toString(
    'base64',
  );
  return {
    body,
    headers: {
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signature,
      'Wechatpay-Serial': PUBLIC_KEY_ID,
    },
  };
}

/** The bare cipher work of one decryption, with no input checks or error mapping. */
function rawDecrypt(resource) {
  const data = Buffer.from(resource.ciphertext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(API_V3_KEY), Buffer.from(resource.nonce));
  decipher.setAuthTag(data.subarray(data.length - 16));
  decipher.setAAD(Buffer.from(resource.associated_data ?? ''));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString(
    'utf8',
  );
}

export async function run() {
  const { privateKey, publicKey } = benchKeys();
  const keyring = new PlatformKeyring({ publicKey: { id: PUBLIC_KEY_ID, key: publicKey } });
  const response = signedMessage(privateKey, JSON.stringify(RESOURCE));
  const verifyOnce = () => verifySignedMessage({ ...response, keyring, now: Math.floor(Date.now() / 1000) });
  await verifyOnce(); // throws if the fixture were wrong, so nothing below times a failure path

  const raw = rawRsaRates().verify;
  const ceiling = raw * parallelism;
  const ceilingLabel = `raw × ${parallelism} (min(cores ${cores}, pool ${threadPoolSize}))`;
  const message = Buffer.from(
    `${response.headers['Wechatpay-Timestamp']}\n${response.headers['Wechatpay-Nonce']}\n${response.body}\n`,
  );
  const signature = response.headers['Wechatpay-Signature'];
  const syncVerify = measureSync(() => verifySha256WithRsaSync(message, signature, publicKey)).opsPerSec;
  const single = (await measureAsync(verifyOnce, { concurrency: 1, seconds: 1 })).opsPerSec;
  const pooled = (await measureAsync(verifyOnce, { concurrency: 16, seconds: 1 })).opsPerSec;

  const envelope = sealNotification({
    id: 'EV-2018022511223320873',
    createTime: '2026-11-22T10:34:56+08:00',
    eventType: 'MCHTRANSFER.BILL.FINISHED',
    summary: '商家转账单据终态通知',
    originalType: 'mch_payment',
    associatedData: 'mch_payment',
    resource: RESOURCE,
    apiV3Key: API_V3_KEY,
  });
  const sdkInput = {
    apiV3Key: API_V3_KEY,
    nonce: envelope.resource.nonce,
    associatedData: envelope.resource.associated_data,
    ciphertext: envelope.resource.ciphertext,
  };
  if (decryptAeadAes256Gcm(sdkInput) !== rawDecrypt(envelope.resource)) {
    throw new Error('verify: the SDK and the raw decryption disagree on the plaintext');
  }
  const rawAes = measureSync(() => rawDecrypt(envelope.resource), { warmup: 1000 }).opsPerSec;
  const sdkAes = measureSync(() => decryptAeadAes256Gcm(sdkInput), { warmup: 1000 }).opsPerSec;

  const notification = signedMessage(privateKey, JSON.stringify(envelope));
  const openOnce = () =>
    openNotification({ ...notification, keyring, apiV3Key: API_V3_KEY, now: Math.floor(Date.now() / 1000) });
  const opened = (await measureAsync(openOnce, { concurrency: 16, seconds: 1 })).opsPerSec;

  return {
    name: 'verify',
    title: 'response verification and notification decryption',
    rows: [
      row('raw crypto.verify, sync, one core', raw, 'ops/s', 1, 'itself: the machine limit per core'),
      row('verifySha256WithRsaSync (SDK, sync)', syncVerify, 'ops/s', syncVerify / raw, 'raw × 1'),
      row('verifySignedMessage, concurrency 1', single, 'ops/s', single / raw, 'raw × 1'),
      row('verifySignedMessage, concurrency 16', pooled, 'ops/s', pooled / ceiling, ceilingLabel),
      row('raw AES-256-GCM decrypt, one core', rawAes, 'ops/s', 1, 'itself'),
      row('decryptAeadAes256Gcm', sdkAes, 'ops/s', sdkAes / rawAes, 'raw AES decrypt'),
      row(
        'openNotification (verify+parse+decrypt), c16',
        opened,
        'ops/s',
        opened / pooled,
        'verifySignedMessage c16',
      ),
    ],
    notes: [
      'a verification is short enough that the hop to the thread pool and back is a large part of its cost',
      `resource plaintext ${JSON.stringify(RESOURCE).length} bytes`,
    ],
  };
}
