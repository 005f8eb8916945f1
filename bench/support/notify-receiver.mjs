import { once } from 'node:events';
import { createServer } from 'node:http';

/** A loopback endpoint that acknowledges every notification, so the emulator never delivers off the machine. */
export async function startNotifyReceiver() {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}/wxpay/notify`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The body of `authorizations.apply` for the emulator's ordinary merchant. */
export function applyInput(emulator, outAuthorizationNo, notifyUrl) {
  return {
    out_authorization_no: outAuthorizationNo,
    appid: emulator.merchants.ordinary.appid,
    openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
    transfer_scene_id: '1000',
    user_display_name: 'wx_123456',
    user_recv_perception: '现金奖励',
    authorization_notify_url: notifyUrl,
  };
}
