// The README's walkthrough, runnable as written against a running emulator:
//   npm start                                               (terminal 1)
//   node examples/walkthrough.mjs [http://127.0.0.1:8787]   (terminal 2)
// Create an authorization, have the user confirm it through the control API, query it, close it with the SDK,
// and receive the two notifications on a local endpoint that verifies and decrypts them with the SDK.
import { createServer } from 'node:http';
import { WechatPay } from '@wxpay-kit/sdk';

export async function runWalkthrough(baseUrl, log = console.log) {
  const control = async (method, path) => {
    const res = await fetch(`${baseUrl}/_emulator${path}`, { method });
    const json = await res.json();
    if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  const options = await control('GET', '/merchants/ordinary/client-options');
  const { merchants } = await control('GET', '/merchants');
  const { appid } = merchants.find((m) => m.key === 'ordinary');
  const wxpay = new WechatPay(options);

  // The merchant's notification endpoint: raw body in, verified and decrypted event out.
  const events = [];
  const receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      try {
        const event = await wxpay.notifications.parse({ headers: req.headers, body: Buffer.concat(chunks) });
        events.push(event);
        log(`   ↳ notification ${event.event_type}: state ${event.resource.state}`);
        const ok = wxpay.notifications.successReply();
        res.writeHead(ok.status, ok.headers).end(ok.body);
      } catch (error) {
        const fail = wxpay.notifications.failureReply(error.message);
        res.writeHead(fail.status, fail.headers).end(fail.body);
      }
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const notifyUrl = `http://127.0.0.1:${receiver.address().port}/wxpay/notify`;
  const waitForEvents = async (count) => {
    for (let i = 0; i < 100 && events.length < count; i++) await new Promise((r) => setTimeout(r, 50));
    if (events.length < count) throw new Error(`expected ${count} notifications, got ${events.length}`);
  };

  try {
    const out_authorization_no = `plfk${Date.now()}`;
    const applied = await wxpay.authorizations.apply({
      out_authorization_no,
      appid,
      openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
      transfer_scene_id: '1000',
      user_display_name: 'wx_123456',
      user_recv_perception: '现金奖励',
      authorization_notify_url: notifyUrl,
    });
    log(`1. authorizations.apply   → ${applied.state}`);

    await control('POST', `/authorizations/${options.mchid}/${out_authorization_no}/confirm`);
    log('2. the user confirms      → (control API)');
    await waitForEvents(1);

    const queried = await wxpay.authorizations.get({ out_authorization_no });
    log(`3. authorizations.get     → ${queried.state} (authorization_id ${queried.authorization_id})`);

    const closed = await wxpay.authorizations.close({ out_authorization_no });
    log(`4. authorizations.close   → ${closed.state} (${closed.close_info?.close_reason})`);
    await waitForEvents(2);

    return { applied, queried, closed, events };
  } finally {
    receiver.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runWalkthrough(process.argv[2] ?? 'http://127.0.0.1:8787');
}
