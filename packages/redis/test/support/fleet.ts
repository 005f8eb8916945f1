import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const loader = fileURLToPath(new URL('./register-cached-ts.mjs', import.meta.url));
const worker = fileURLToPath(new URL('./fleet-worker.ts', import.meta.url));

interface Running {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  result: Promise<unknown>;
}

function start(args: string[]): Running {
  const child = spawn(
    process.execPath,
    ['--conditions=wxpay-kit-source', '--import', loader, worker, ...args],
    {
      cwd: root,
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout });
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  const result = new Promise<unknown>((resolve, reject) => {
    let last: unknown;
    lines.on('line', (line) => {
      if (line === 'ready') onReady();
      else last = JSON.parse(line);
    });
    child.once('exit', (code) => {
      if (code === 0 && last !== undefined) resolve(last);
      else reject(new Error(`fleet worker ${args[0]} exited with ${code}: ${stderr}`));
    });
  });
  // A worker that dies before `ready` must fail the test, not leave it waiting.
  result.catch(() => onReady());
  return { child, ready, result };
}

let warmed: Promise<void> | undefined;

/** One process transpiles the sources first, so the fleet's processes start from the cache, not in a CPU race. */
function warmTranspileCache(): Promise<void> {
  warmed ??= new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=wxpay-kit-source', '--import', loader, worker, 'warm'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`warm-up worker exited with ${code}`)),
    );
  });
  return warmed;
}

/**
 * Runs `count` real Node processes of `fleet-worker.ts` with the given arguments; they all start their
 * work at the same moment (after every one has connected). Resolves with each process's JSON result.
 */
export async function runFleet<T>(count: number, argsFor: (index: number) => string[]): Promise<T[]> {
  await warmTranspileCache();
  const fleet = Array.from({ length: count }, (_, index) => start(argsFor(index)));
  try {
    await Promise.all(fleet.map((process) => process.ready));
    for (const { child } of fleet) child.stdin.write('go\n');
    return (await Promise.all(fleet.map((process) => process.result))) as T[];
  } finally {
    for (const { child } of fleet) if (child.exitCode === null) child.kill('SIGKILL');
  }
}
