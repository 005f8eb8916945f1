import { fork } from 'node:child_process';
import { once } from 'node:events';
import { WechatPay } from '@wxpay-kit/sdk';

/** The replaying stand-in for WeChat Pay (replay-server.mjs, in its own process) and a wxpay-kit client for it. */

export const MCHID = '1900007291';
export const SERIAL = '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB';
export const PLATFORM_ID = 'PUB_KEY_ID_0000000000000024101100397200000006';
export const OUT_AUTHORIZATION_NO = 'plfk2020042013';
/** The seed page's answer to authorizations.get. */
export const ANSWER = JSON.stringify({
  out_authorization_no: OUT_AUTHORIZATION_NO,
  appid: 'wxf636efh567hg4356',
  openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
  user_display_name: 'wx_123456',
  authorization_id: '201202504101000123456789012',
  state: 'AUTHORIZED',
  authorize_time: '2015-05-20T13:29:35.120+08:00',
  transfer_scene_id: '1000',
  user_recv_perception: '现金奖励',
  create_time: '2015-05-20T13:29:35.120+08:00',
});

/** Forks support/replay-server.mjs, which signs its one answer with `platform`'s private key. */
export async function startReplayServer(platform) {
  const platformKeyPem = platform.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const child = fork(new URL('./replay-server.mjs', import.meta.url), { stdio: 'inherit' });
  child.send({ platformKeyPem, platformId: PLATFORM_ID, body: ANSWER });
  const [{ port }] = await once(child, 'message');
  return {
    url: `http://127.0.0.1:${port}`,
    async answered() {
      child.send('count');
      const [{ answered }] = await once(child, 'message');
      return answered;
    },
    close() {
      child.disconnect();
      return once(child, 'exit');
    },
  };
}

/** wxpay-kit as a merchant configures it, minus the rate limiter and retries (they are not what is measured). */
export function replayClient(server, merchant, platform) {
  return new WechatPay({
    mchid: MCHID,
    serialNo: SERIAL,
    privateKey: merchant.privateKey,
    wechatpayPublicKey: { id: PLATFORM_ID, key: platform.publicKey },
    baseUrl: server.url,
    rateLimit: false,
    retry: false,
  });
}
