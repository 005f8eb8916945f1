import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WechatPay } from '@wxpay-kit/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Runs the real CLI from its TypeScript source (the same code `npm start` runs once built).
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const loader = join(root, 'packages/sdk/scripts/register-ts.mjs');
const cli = join(root, 'packages/emulator/src/cli.ts');

interface Started {
  child: ChildProcess;
  output: string;
  url: string;
}

function runCli(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--conditions=wxpay-kit-source', '--import', loader, cli, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Starts the CLI and resolves once it has printed its whole banner (bounded wait). */
function startCli(args: string[]): Promise<Started> {
  const child = runCli(args);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start in time:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url && output.includes('Press Ctrl+C to stop.')) {
        clearTimeout(timer);
        resolve({ child, output, url });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** Sends SIGINT and resolves with how the process ended: a clean stop is exit code 0, not death by signal. */
function stop(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`));
    child.kill('SIGINT');
  });
}

/** The nice value of a process's main thread, and how many of its threads run at the pool's lowered one. */
function niceValues(pid: number): { loop: number; lowered: number } {
  const nice = (tid: string) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  };
  const tids = readdirSync(`/proc/${pid}/task`);
  return { loop: nice(String(pid)), lowered: tids.filter((tid) => nice(tid) === 10).length };
}

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'wxpay-cli-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('wxpay-emulator CLI', () => {
  it('prints the credentials table and an SDK configuration that works, reuses them on the next start, and stops on SIGINT', {
    timeout: 150_000,
  }, async () => {
    const first = await startCli(['--port', '0', '--data', dataDir]);
    // The banner comes first: no log line (Fastify's "Server listening at …") above it.
    expect(first.output).toMatch(/^WeChat Pay APIv3 emulator listening on http:\/\/127\.0\.0\.1:\d+\n/);
    const mchids = [...first.output.matchAll(/^(ordinary|serviceProvider|platform)\s+(\d{10})\s/gm)].map(
      (m) => m[2],
    );
    expect(mchids).toHaveLength(3);
    expect(first.output).toMatch(/WeChat Pay public key: PUB_KEY_ID_\d+/);
    expect(first.output).toContain(join(dataDir, 'credentials'));

    // The printed configurations (file paths for the keys), one per caller, are what a user pastes: each must
    // work as printed.
    const configs = [...first.output.matchAll(/new WechatPay\((\{[\s\S]*?\})\);/g)].map((m) => m[1]);
    expect(configs).toHaveLength(3);
    const [ordinary, serviceProvider, platform] = configs.map(
      (config) => new WechatPay(new Function(`return (${config});`)()),
    );
    const notFound = { status: 404, code: 'NOT_FOUND' };
    await expect(ordinary!.authorizations.get({ out_authorization_no: 'nope1' })).rejects.toMatchObject(
      notFound,
    );
    await expect(
      serviceProvider!.transferBills.partnerGet({ out_bill_no: 'nope1', sub_mchid: '1900000211' }),
    ).rejects.toMatchObject(notFound);
    await expect(
      platform!.recharges.get({ out_recharge_no: 'nope1', sub_mchid: '1900001121' }),
    ).rejects.toMatchObject(notFound);
    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    expect(await stop(first.child)).toBe('code 0');

    const second = await startCli(['--port', '0', '--data', dataDir]);
    const again = [...second.output.matchAll(/^(ordinary|serviceProvider|platform)\s+(\d{10})\s/gm)].map(
      (m) => m[2],
    );
    expect(again).toEqual(mchids);
    expect(await stop(second.child)).toBe('code 0');
  });

  it('refuses a bad option with a clear message and exit code 2', async () => {
    const child = runCli(['--port', 'eighty']);
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(output).toContain('--port must be an integer');
    // The message stays in sight: a pointer to --help, not the whole usage under it.
    expect(output.trim().split('\n')).toHaveLength(2);
    expect(output).toContain('wxpay-emulator --help');
  });

  it('passes the key cache and the HTTP server limits on to the emulator', {
    timeout: 90_000,
  }, async () => {
    const keys = join(dataDir, 'key-cache');
    const started = await startCli([
      '--port',
      '0',
      '--data',
      ':memory:',
      '--key-cache',
      keys,
      '--headers-timeout',
      '300',
    ]);
    try {
      expect(existsSync(join(keys, 'credentials.json'))).toBe(true);
      // Headers that never end: answered 408 once the 300 ms are up (the default would wait 10 s; the test 60 s).
      const { port } = new URL(started.url);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () =>
          socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'),
        );
        let received = '';
        socket.on('data', (chunk: Buffer) => {
          received += chunk.toString();
        });
        socket.on('close', () => resolve(received));
        socket.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toMatch(/Request-ID: /i);
      // The default --pool-priority: the four pool threads of the emulator's process yield to its event loop.
      expect(niceValues(started.child.pid!)).toEqual({ loop: 0, lowered: 4 });
    } finally {
      expect(await stop(started.child)).toBe('code 0');
    }
  });
});
