import { writeFile } from 'node:fs/promises';
import { arch, cpus, loadavg, platform } from 'node:os';
import { parseArgs } from 'node:util';
import { cores, parallelism, threadPoolSize } from './support/machine.mjs';
import { renderTable } from './support/report.mjs';

/**
 * Runs the benchmarks against the built packages and prints one table each. Ratios, not absolute numbers,
 * are what compare across machines: see bench/README.md.
 *
 *   node bench/run.mjs [--only signing,verify] [--json]
 */

const BENCHMARKS = [
  'signing',
  'peer-signing',
  'verify',
  'peer-calls',
  'call-overhead',
  'emulator-throughput',
  'startup-memory',
  'import-time',
  'emulator-load',
  'emulator-processes',
];

const USAGE = `usage: node bench/run.mjs [--only ${BENCHMARKS.join(',')}] [--json]`;

function options() {
  try {
    return parseArgs({
      options: {
        only: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${error.message}\n${USAGE}`);
    process.exit(2);
  }
}

const values = options();

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const selected = values.only ? values.only.split(',').map((name) => name.trim()) : BENCHMARKS;
const unknown = selected.filter((name) => !BENCHMARKS.includes(name));
if (unknown.length > 0) {
  console.error(`--only: unknown benchmark ${unknown.join(', ')}; choose from ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}

const machine = {
  date: new Date().toISOString(),
  node: process.version,
  platform: `${platform()} ${arch()}`,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores,
  threadPoolSize,
  parallelism,
  /** Other work on the machine skews every ratio taken against "all cores": compare runs at similar load. */
  loadAverage: loadavg()[0],
};
console.log(
  `wxpay-kit bench: node ${machine.node}, ${machine.platform}, ${machine.cpu}, ${cores} cores, pool ${threadPoolSize}, load average ${machine.loadAverage.toFixed(2)} at start\n`,
);

const results = [];
for (const name of selected) {
  const started = Date.now();
  const { run } = await import(`./${name}.mjs`);
  const result = await run();
  result.seconds = (Date.now() - started) / 1000;
  results.push(result);
  console.log(`${renderTable(result)}\n  (${result.seconds.toFixed(1)} s)\n`);
}

if (values.json) {
  const path = new URL('./results.json', import.meta.url);
  await writeFile(path, `${JSON.stringify({ machine, results }, null, 2)}\n`);
  console.log(`wrote ${path.pathname}`);
}
