import { createPrivateKey } from 'node:crypto';
import { createServer } from 'node:http';
import { buildResponseSignMessage, generateNonce, signSha256WithRsaSync } from '@wxpay-kit/sdk/protocol';

/**
 * A stand-in for WeChat Pay that costs almost nothing, run in its own process (bench/peer-calls.mjs forks it):
 * it answers every signed request with one pre-signed body, so the client's own work is what gets measured.
 * It signs the answer once and again every minute (the clients accept 5 minutes of skew). Requests without a
 * WECHATPAY2 Authorization get 401, so a client cannot skip signing.
 *
 * Protocol with the parent: it sends { platformKeyPem, platformId, body }, this process answers { port }.
 */

process.once('message', ({ platformKeyPem, platformId, body }) => {
  const key = createPrivateKey(platformKeyPem);
  let headers;
  const sign = () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const nonce = generateNonce();
    headers = {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
      'Request-ID': 'BENCH-REPLAY',
      'Wechatpay-Timestamp': String(timestamp),
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signSha256WithRsaSync(buildResponseSignMessage({ timestamp, nonce, body }), key),
      'Wechatpay-Serial': platformId,
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    };
  };
  sign();
  setInterval(sign, 60_000).unref();
  let answered = 0;
  const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
    request.resume();
    request.on('end', () => {
      if (!request.headers.authorization?.startsWith('WECHATPAY2-SHA256-RSA2048 ')) {
        response.writeHead(401, { 'Content-Type': 'application/json' }).end('{"code":"SIGN_ERROR"}');
        return;
      }
      answered++;
      response.writeHead(200, headers).end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('message', (message) => {
    if (message === 'count') process.send({ answered });
  });
  process.on('disconnect', () => process.exit(0));
});
