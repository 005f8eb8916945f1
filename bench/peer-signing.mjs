import {
  buildAuthorization,
  buildRequestSignMessage,
  generateNonce,
  loadPrivateKey,
  parseAuthorization,
  signRequest,
  signSha256WithRsaSync,
} from '@wxpay-kit/sdk/protocol';
import { Formatter, Rsa } from 'wechatpay-axios-plugin';
import { benchKeys, parallelism, rawRsaRates, SAMPLE_BODY, SAMPLE_URL } from './support/machine.mjs';
import { measureAsync, measureSync } from './support/measure.mjs';
import { row } from './support/report.mjs';

/**
 * Our Authorization header against wechatpay-axios-plugin's for the same request. The plugin signs exactly as
 * its axios request interceptor does (Formatter.request → Rsa.sign → Formatter.authorization), synchronously:
 * it has no thread-pool form.
 */

const MCHID = '1900000001';
const SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
const METHOD = 'POST';

function peerAuthorization(privateKey, timestamp = Formatter.timestamp(), nonce = Formatter.nonce()) {
  const signature = Rsa.sign(
    Formatter.request(METHOD, SAMPLE_URL, timestamp, nonce, SAMPLE_BODY),
    privateKey,
  );
  return Formatter.authorization(MCHID, nonce, signature, timestamp, SERIAL);
}

function ourAuthorizationSync(
  privateKey,
  timestamp = Math.floor(Date.now() / 1000),
  nonce = generateNonce(),
) {
  const message = buildRequestSignMessage({
    method: METHOD,
    url: SAMPLE_URL,
    timestamp,
    nonce,
    body: SAMPLE_BODY,
  });
  const signature = signSha256WithRsaSync(message, privateKey);
  return buildAuthorization({ mchid: MCHID, serialNo: SERIAL, nonce, timestamp, signature });
}

/**
 * Both must produce the same header attributes for the same timestamp and nonce (PKCS#1 v1.5 signatures are
 * deterministic); otherwise the comparison would time two different jobs.
 */
function checkSameWork(ourKey, peerKey) {
  const timestamp = 1700000000;
  const nonce = '593BEC0C930BF1AFEB40B4A08C8FB242';
  const ours = parseAuthorization(ourAuthorizationSync(ourKey, timestamp, nonce));
  const peer = parseAuthorization(peerAuthorization(peerKey, timestamp, nonce));
  if (JSON.stringify(ours) !== JSON.stringify(peer)) {
    throw new Error(
      `peer-signing: the two SDKs sign the same request differently:\n ours ${JSON.stringify(ours)}\n peer ${JSON.stringify(peer)}`,
    );
  }
}

export async function run() {
  const { privateKey } = benchKeys();
  const ourKey = loadPrivateKey(privateKey);
  // The plugin loads keys with its own Rsa.from, as its constructor does.
  const peerKey = Rsa.from(
    privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    Rsa.KEY_TYPE_PRIVATE,
  );
  checkSameWork(ourKey, peerKey);

  const raw = rawRsaRates().sign;
  const peer = measureSync(() => peerAuthorization(peerKey)).opsPerSec;
  const oursSync = measureSync(() => ourAuthorizationSync(ourKey)).opsPerSec;
  const input = {
    method: METHOD,
    url: SAMPLE_URL,
    body: SAMPLE_BODY,
    mchid: MCHID,
    serialNo: SERIAL,
    privateKey: ourKey,
  };
  const oursAsync = (await measureAsync(() => signRequest(input), { concurrency: 16, seconds: 1 })).opsPerSec;
  return {
    name: 'peer-signing',
    title: 'one Authorization header for the same request: wxpay-kit vs wechatpay-axios-plugin',
    rows: [
      row('raw crypto.sign, sync, one core', raw, 'ops/s', 1, 'itself'),
      row('wechatpay-axios-plugin, sync (its only form)', peer, 'ops/s', peer / raw, 'raw × 1'),
      row('wxpay-kit, sync signer', oursSync, 'ops/s', oursSync / peer, 'plugin sync'),
      row(
        'wxpay-kit signRequest (pool), concurrency 16',
        oursAsync,
        'ops/s',
        oursAsync / peer,
        'plugin sync',
      ),
    ],
    notes: [
      'the headers were checked to carry identical attributes for the same timestamp and nonce',
      `the pool form can use ${parallelism} cores at once; the plugin signs on the event loop, so one core`,
    ],
  };
}
