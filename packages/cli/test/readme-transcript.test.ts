import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningEmulator, startEmulator } from '@wxpay-kit/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The README's CLI transcript, run as written in bash: each `$ ` command (with its `\` continuations), its output
// compared line by line, where `…` stands for anything. Two substitutions only: the emulator's URL (the README
// shows npm start's) and the notify URL (a receiver on loopback instead of merchant.example.com).
const root = fileURLToPath(new URL('../../../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

interface Step {
  command: string;
  expected: string[];
}

function transcript(): Step[] {
  const section = readme.slice(readme.indexOf('## The CLI'));
  const block = /```console\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README: no console block in "## The CLI"');
  const steps: Step[] = [];
  let continuing = false;
  for (const line of block.trimEnd().split('\n')) {
    if (line.startsWith('$ ') || continuing) {
      const text = line.startsWith('$ ') ? line.slice(2) : line;
      if (!continuing) steps.push({ command: '', expected: [] });
      steps.at(-1)!.command += `${text}\n`;
      continuing = line.endsWith('\\');
    } else {
      steps.at(-1)!.expected.push(line);
    }
  }
  return steps;
}

function pattern(line: string): RegExp {
  const escaped = line
    .trim()
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/…/g, '.*');
  return new RegExp(`^${escaped}$`);
}

let emulator: RunningEmulator;
let receiver: Server;
let notifyUrl: string;
const bin = mkdtempSync(join(tmpdir(), 'wxpay-kit-bin-'));

beforeAll(async () => {
  emulator = await startEmulator();
  receiver = createServer((_request, response) => response.writeHead(200).end());
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const loader = join(root, 'packages/sdk/scripts/register-ts.mjs');
  const script = `#!/bin/sh\nexec "${process.execPath}" --conditions=wxpay-kit-source --import "${loader}" "${join(root, 'packages/cli/src/bin.ts')}" "$@"\n`;
  writeFileSync(join(bin, 'wxpay-kit'), script);
  chmodSync(join(bin, 'wxpay-kit'), 0o755);
});

afterAll(async () => {
  await emulator?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

function bash(command: string, env: Record<string, string>): Promise<string> {
  const child = spawn('bash', ['-c', `{ ${command}\n} 2>&1`], { env: { ...process.env, ...env } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve(output));
  });
}

describe('README CLI transcript', () => {
  it('runs as written, and prints what it shows', async () => {
    const steps = transcript();
    expect(steps.length).toBeGreaterThanOrEqual(4);
    const env = {
      PATH: `${bin}:${process.env['PATH']}`,
      WXPAY_KIT_CONFIG: join(mkdtempSync(join(tmpdir(), 'wxpay-kit-readme-')), 'profiles.json'),
      NO_COLOR: '1',
    };
    for (const step of steps) {
      const command = step.command
        .replaceAll('http://127.0.0.1:8787', emulator.url)
        .replaceAll('https://merchant.example.com', notifyUrl);
      const output = (await bash(command, env)).split('\n');
      let at = 0;
      for (const expected of step.expected) {
        if (expected.trim() === '…') continue;
        const found = output.findIndex((line, i) => i >= at && pattern(expected).test(line.trim()));
        expect(
          found,
          `"${expected}" after running:\n${step.command}\noutput:\n${output.join('\n')}`,
        ).toBeGreaterThanOrEqual(0);
        at = found + 1;
      }
    }
  });
});
