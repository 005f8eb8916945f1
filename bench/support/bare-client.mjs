import { randomBytes, sign, verify } from 'node:crypto';
import { Agent, request } from 'node:http';

/**
 * The least a correct client can do per call, written straight on Node: sign on the thread pool, one keep-alive
 * node:http request, verify the answer's signature over the raw bytes, parse the JSON. No validation, no retries,
 * no error mapping. It is a reference for what Node itself costs beyond sign + verify, not a usable SDK.
 *
 * Variants, to take that cost apart (bench/call-overhead.mjs):
 * - `signing: 'sync'` signs on the event loop instead, so no thread-pool round trip;
 * - `signing: 'none'` sends a fixed Authorization (the replay server checks only its scheme) and verifies
 *   nothing: Node's HTTP request and JSON parse alone;
 * - `http: false` signs and verifies exactly as usual but sends nothing, checking the first call's stored answer
 *   instead: the signature's pool round trip without the network.
 */
export function bareClient({
  baseUrl,
  mchid,
  serialNo,
  merchant,
  platform,
  path,
  signing = 'pool',
  http = true,
}) {
  const { hostname, port } = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true });
  const authorizationFor = (nonce, timestamp, signature) =>
    `WECHATPAY2-SHA256-RSA2048 mchid="${mchid}",nonce_str="${nonce}",signature="${signature}",timestamp="${timestamp}",serial_no="${serialNo}"`;
  const fixedAuthorization = authorizationFor('NONCE', 0, 'NOT-SIGNED');

  const signOnPool = (message) =>
    new Promise((resolve, reject) =>
      sign('sha256', message, merchant.privateKey, (error, bytes) =>
        error ? reject(error) : resolve(bytes.toString('base64')),
      ),
    );
  const send = (authorization) =>
    new Promise((resolve, reject) => {
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
  const verifyAnswer = ({ headers, body }) => {
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
  };

  let storedAnswer;
  return async () => {
    if (signing === 'none') return JSON.parse((await send(fixedAuthorization)).body.toString('utf8'));
    const timestamp = Math.floor(Date.now() / 1000);
    const nonce = randomBytes(16).toString('hex');
    const message = Buffer.from(`GET\n${path}\n${timestamp}\n${nonce}\n\n`);
    const signature =
      signing === 'sync'
        ? sign('sha256', message, merchant.privateKey).toString('base64')
        : await signOnPool(message);
    const authorization = authorizationFor(nonce, timestamp, signature);
    let answer = storedAnswer;
    if (http || !answer) answer = await send(authorization);
    if (!http) storedAnswer = answer;
    verifyAnswer(answer);
    return JSON.parse(answer.body.toString('utf8'));
  };
}
