// The README's walkthrough, runnable as written against a running emulator:
//   npm start            (terminal 1)
//   node examples/walkthrough.mjs [http://127.0.0.1:8787]   (terminal 2)
// Create an authorization, have the user confirm it through the control API, query it, close it with the SDK.
import { WechatPay } from '@wxpay-kit/sdk';

export async function runWalkthrough(baseUrl, log = console.log) {
  const control = async (method, path, body) => {
    const res = await fetch(`${baseUrl}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  const options = await control('GET', '/merchants/ordinary/client-options');
  const wxpay = new WechatPay(options);
  const out_authorization_no = `plfk${Date.now()}`;

  const applied = await wxpay.authorizations.apply({
    out_authorization_no,
    appid: options.appid,
    openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
    transfer_scene_id: '1000',
    user_display_name: 'wx_123456',
    user_recv_perception: '现金奖励',
    authorization_notify_url: 'https://merchant.example.com/wxpay/notify',
  });
  log(`1. authorizations.apply   → ${applied.state}`);

  await control('POST', `/authorizations/${options.mchid}/${out_authorization_no}/confirm`);
  log('2. the user confirms      → (control API)');

  const queried = await wxpay.authorizations.get({ out_authorization_no });
  log(`3. authorizations.get     → ${queried.state} (authorization_id ${queried.authorization_id})`);

  const closed = await wxpay.authorizations.close({ out_authorization_no });
  log(`4. authorizations.close   → ${closed.state} (${closed.close_info?.close_reason})`);

  return { applied, queried, closed };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runWalkthrough(process.argv[2] ?? 'http://127.0.0.1:8787');
}
