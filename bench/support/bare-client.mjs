import { randomBytes, sign, verify } from 'node:crypto';
import { Agent, request } from 'node:http';

/**
 * The least a correct client can do per call, written straight on Node: sign on the thread pool, one keep-alive
 * node:http request, verify the answer's signature over the raw bytes, parse the JSON. No validation, no retries,
 * no error mapping. It is a reference for what Node itself costs beyond sign + verify, not a usable SDK.
 */
export function bareClient({ baseUrl, mchid, serialNo, merchant, platform, path }) {
  const { hostname, port } = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true });
  return async () => {
    const timestamp = Math.floor(Date.now() / 1000);
    const nonce = randomBytes(16).toString('hex');
    const signature = await new Promise((resolve, reject) =>
      sign(
        'sha256',
        Buffer.from(`GET\n${path}\n${timestamp}\n${nonce}\n\n`),
        merchant.privateKey,
        (error, bytes) => (error ? reject(error) : resolve(bytes.toString('base64'))),
      ),
    );
    const authorization = `WECHATPAY2-SHA256-RSA2048 mchid="${mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${serialNo}"`;
    const { headers, body } = await new Promise((resolve, reject) => {
      const req = request(
        {
          hostname,
          port,
          path,
          agent,
          headers: { Accept: 'application/json', Authorization: authorization },
        },
        (res) => {
          const chunks = [];
          res.on('data', (chunk) => chunks.push(chunk));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
    const message = Buffer.concat([
      Buffer.from(`${headers['wechatpay-timestamp']}\n${headers['wechatpay-nonce']}\n`),
      body,
      Buffer.from('\n'),
    ]);
    if (
      !verify('sha256', message, platform.publicKey, Buffer.from(headers['wechatpay-signature'], 'base64'))
    ) {
      throw new Error('bare client: the answer does not verify');
    }
    return JSON.parse(body.toString('utf8'));
  };
}
