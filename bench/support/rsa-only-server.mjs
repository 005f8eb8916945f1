import { once } from 'node:events';
import { createServer } from 'node:http';
import {
  buildRequestSignMessage,
  buildResponseSignMessage,
  generateNonce,
  parseAuthorization,
  signSha256WithRsa,
  verifySha256WithRsaSync,
} from '@wxpay-kit/sdk/protocol';

/**
 * The floor under the emulator: a bare node:http server that does only what every emulator answer needs, the
 * RSA work and the HTTP, and nothing else (no routing, storage, validation or journal). It verifies the request's
 * Authorization inline and signs its one fixed answer on the thread pool, as the emulator does, so the load
 * generator can measure what HTTP plus RSA alone cost on this machine.
 */
export async function startRsaOnlyServer({ merchantPublicKey, platformPrivateKey, body }) {
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', async () => {
      const auth = parseAuthorization(request.headers.authorization ?? '');
      const message = buildRequestSignMessage({
        method: request.method,
        url: request.url,
        timestamp: auth.timestamp,
        nonce: auth.nonce_str,
        body: Buffer.concat(chunks),
      });
      if (!verifySha256WithRsaSync(message, auth.signature, merchantPublicKey)) {
        response.writeHead(401).end();
        return;
      }
      const timestamp = Math.floor(Date.now() / 1000);
      const nonce = generateNonce();
      const signature = await signSha256WithRsa(
        buildResponseSignMessage({ timestamp, nonce, body }),
        platformPrivateKey,
      );
      response
        .writeHead(200, {
          'Content-Type': 'application/json; charset=utf-8',
          'Wechatpay-Timestamp': String(timestamp),
          'Wechatpay-Nonce': nonce,
          'Wechatpay-Signature': signature,
          'Wechatpay-Serial': 'PUB_KEY_ID_BENCH',
          'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
        })
        .end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
