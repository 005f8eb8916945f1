import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Runs the real `wxpay-kit` from its TypeScript source in a child process, as a user's shell would.
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const loader = join(root, 'packages/sdk/scripts/register-ts.mjs');
const bin = join(root, 'packages/cli/src/bin.ts');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
  cwd?: string;
}

/** A profile file of its own for each test file, so nothing reads or writes the user's real one. */
export function isolatedConfig(): string {
  return join(mkdtempSync(join(tmpdir(), 'wxpay-kit-cli-')), 'profiles.json');
}

function spawnCli(args: readonly string[], options: RunOptions) {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...process.env, NO_COLOR: '1', ...options.env })) {
    if (value !== undefined && !name.startsWith('WXPAY_KIT_')) env[name] = value;
  }
  for (const [name, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[name] = value;
  return spawn(process.execPath, ['--conditions=wxpay-kit-source', '--import', loader, bin, ...args], {
    cwd: options.cwd ?? root,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** A long-running command (`emulator tail`): its output so far, and a way to stop it as Ctrl+C would. */
export function startCli(args: readonly string[], options: RunOptions = {}) {
  const child = spawnCli(args, options);
  const seen = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    seen.stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    seen.stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    output: seen,
    stop: () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Parses stdout as JSON, with the whole run in the message when it is not. */
export function json<T = Record<string, unknown>>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}
