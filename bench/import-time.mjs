import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median } from './support/measure.mjs';
import { row } from './support/report.mjs';

/**
 * What importing each package costs a fresh process: every process that uses wxpay-kit pays it once (a serverless
 * cold start, each `wxpay-kit` command, each test file that starts an emulator). Each sample is a new `node`
 * that imports the module and reports the time of the import alone, from the built packages (as installed).
 */

const SAMPLES = 7;
const execFileAsync = promisify(execFile);
const cwd = fileURLToPath(new URL('../packages/emulator/', import.meta.url));

async function importMs(specifier) {
  const source = specifier
    ? `const t = performance.now(); await import(${JSON.stringify(specifier)}); console.log(performance.now() - t);`
    : 'console.log(0)';
  const started = performance.now();
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', source], { cwd });
  return { importMs: Number(stdout.trim()), processMs: performance.now() - started };
}

async function sample(specifier) {
  const runs = [];
  for (let i = 0; i < SAMPLES; i++) runs.push(await importMs(specifier));
  return {
    importMs: median(runs.map((r) => r.importMs)),
    processMs: median(runs.map((r) => r.processMs)),
  };
}

export async function run() {
  const bare = await sample(undefined);
  const rows = [row('node -e "" (start and exit)', bare.processMs, 'ms', 1, 'itself')];
  for (const specifier of ['@wxpay-kit/sdk', '@wxpay-kit/sdk/protocol', '@wxpay-kit/emulator']) {
    const measured = await sample(specifier);
    rows.push(
      row(
        `import('${specifier}')`,
        measured.importMs,
        'ms',
        measured.importMs / bare.processMs,
        'node start and exit',
      ),
    );
  }
  return {
    name: 'import-time',
    title: `a fresh process importing each package (median of ${SAMPLES})`,
    rows,
    notes: ['the import alone, timed inside the process; the emulator import includes the SDK it loads'],
  };
}
