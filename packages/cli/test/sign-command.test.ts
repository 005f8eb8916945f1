import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { json, runCli } from './support/run-cli.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const vectors = JSON.parse(readFileSync(`${fixtures}vectors.json`, 'utf8')) as {
  request_signatures: {
    mchid: string;
    serial_no: string;
    method: string;
    url: string;
    timestamp: string;
    nonce: string;
    body: string;
    message: string;
    signature: string;
  }[];
};
const key = `${fixtures}official-test-merchant-key.pem`;

describe('wxpay-kit sign', () => {
  it.each(vectors.request_signatures.map((vector) => [`${vector.method} ${vector.url}`, vector] as const))(
    'reproduces the published vector %s byte for byte',
    async (_title, vector) => {
      const args = ['sign', '--explain', vector.method, vector.url, '--timestamp', vector.timestamp];
      args.push(
        '--nonce',
        vector.nonce,
        '--mchid',
        vector.mchid,
        '--serial-no',
        vector.serial_no,
        '--private-key',
        key,
      );
      const run = await runCli([...args, '--body', '-', '--json'], { stdin: vector.body });
      expect(run.code, run.stderr).toBe(0);
      const result = json<{ message: string; signature: string; authorization: string }>(run);
      expect(result.message).toBe(vector.message);
      expect(result.signature).toBe(vector.signature);
      expect(result.authorization).toBe(
        `WECHATPAY2-SHA256-RSA2048 mchid="${vector.mchid}",nonce_str="${vector.nonce}",signature="${vector.signature}",` +
          `timestamp="${vector.timestamp}",serial_no="${vector.serial_no}"`,
      );
    },
  );

  it('--explain shows each line of the string to sign with its \\n, and the header', async () => {
    const vector = vectors.request_signatures[0]!;
    const run = await runCli([
      'sign',
      '--explain',
      vector.method,
      `https://api.mch.weixin.qq.com${vector.url}`,
      ...['--timestamp', vector.timestamp, '--nonce', vector.nonce],
      ...['--mchid', vector.mchid, '--serial-no', vector.serial_no, '--private-key', key],
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`url       ${vector.url}\\n`);
    expect(run.stdout).toContain(`timestamp ${vector.timestamp}\\n`);
    expect(run.stdout).toContain('body      \\n');
    expect(run.stdout).toContain(`Authorization: WECHATPAY2-SHA256-RSA2048 mchid="${vector.mchid}"`);
    expect(run.stdout).toContain(vector.signature);
  });

  it('without a private key says which setting is missing and how to give it (exit 7, like every command)', async () => {
    const run = await runCli([
      'sign',
      'GET',
      '/v3/certificates',
      '--mchid',
      '1900007291',
      '--serial-no',
      'AB',
    ]);
    expect(run.code).toBe(7);
    expect(run.stderr).toContain('--private-key');
    expect(run.stderr).toContain('WXPAY_KIT_PRIVATE_KEY');
  });
});
