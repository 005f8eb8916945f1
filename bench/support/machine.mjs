import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { measureSync } from './measure.mjs';

/**
 * The machine's own limits, which every ratio is taken against: how many cores there are, how many of them the
 * libuv thread pool can use, and how fast one core signs and verifies RSA-2048 with no SDK around it.
 */

export const cores = availableParallelism();
/** libuv's pool: 4 threads unless UV_THREADPOOL_SIZE says otherwise. */
export const threadPoolSize = Number(process.env.UV_THREADPOOL_SIZE) || 4;
/** How many RSA operations can run at once off the event loop. */
export const parallelism = Math.min(cores, threadPoolSize);

/** A representative request body: the authorization apply of the seed pages. */
export const SAMPLE_BODY = JSON.stringify({
  out_authorization_no: 'bench0000000000000001',
  appid: 'wxd678efh567hg6787',
  openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
  transfer_scene_id: '1000',
  user_display_name: 'wx_123456',
  user_recv_perception: '现金奖励',
  authorization_notify_url: 'https://www.weixin.qq.com/wxpay/pay.php',
});
export const SAMPLE_URL = '/v3/fund-app/mch-transfer/user-confirm-authorization';
export const SAMPLE_MESSAGE = Buffer.from(
  `POST\n${SAMPLE_URL}\n1700000000\n593BEC0C930BF1AFEB40B4A08C8FB242\n${SAMPLE_BODY}\n`,
);

let keys;
/** One RSA-2048 key pair for the whole run (generation is slow and not what is measured). */
export function benchKeys() {
  keys ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
  return keys;
}

let rates;
/**
 * Raw single-core rates of `crypto.sign` / `crypto.verify` (sync, sha256, RSA-2048) over the sample message.
 * Measured once per process and shared, so benchmarks run together agree on the floor.
 */
export function rawRsaRates() {
  if (!rates) {
    const { privateKey, publicKey } = benchKeys();
    const signature = sign('sha256', SAMPLE_MESSAGE, privateKey);
    rates = {
      sign: measureSync(() => sign('sha256', SAMPLE_MESSAGE, privateKey)).opsPerSec,
      verify: measureSync(() => verify('sha256', SAMPLE_MESSAGE, publicKey, signature)).opsPerSec,
    };
  }
  return rates;
}
