#!/usr/bin/env node
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { type RunningEmulator, startEmulator } from './index.js';

const USAGE = `Usage: wxpay-emulator [options]

  --port <n>        port to listen on (default 8787; 0 = any free port)
  --host <addr>     address to bind (default 127.0.0.1)
  --data <dir>      data directory, reused across restarts (default ./.wxpay-emulator; ":memory:" for none)
  --probe [share]   send WECHATPAY/SIGNTEST/ probe signatures on a share of messages (default 0.1)
  --manual-clock    virtual time moves only through POST /_emulator/clock/advance
  --log-level <l>   pino level: fatal, error, warn (default), info, debug, silent
  --help            show this text`;

function fail(message: string): never {
  process.stderr.write(`wxpay-emulator: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parse(argv: string[]) {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: false }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false });
  } catch (error) {
    fail((error as Error).message);
  }
  const { values } = parsed;
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65535)
    fail(`--port must be an integer 0–65535, got "${values.port}"`);
  let probe: number | undefined;
  if (values.probe !== undefined) {
    probe = values.probe === '' ? 0.1 : Number(values.probe);
    if (!(probe >= 0 && probe <= 1)) fail(`--probe takes a share between 0 and 1, got "${values.probe}"`);
  }
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(values['log-level'])) fail(`--log-level must be one of ${levels.join(', ')}`);
  return {
    help: values.help,
    port,
    host: values.host,
    dataDir: values.data === ':memory:' ? ':memory:' : resolve(values.data),
    probe,
    manualClock: values['manual-clock'],
    logLevel: values['log-level'],
  };
}

const OPTIONS = {
  port: { type: 'string', default: '8787' },
  host: { type: 'string', default: '127.0.0.1' },
  data: { type: 'string', default: './.wxpay-emulator' },
  probe: { type: 'string' },
  'manual-clock': { type: 'boolean', default: false },
  'log-level': { type: 'string', default: 'warn' },
  help: { type: 'boolean', default: false },
} as const;

/** `--probe` alone means the default share: parseArgs needs a value, so give it an empty one. */
function normaliseProbe(argv: string[]): string[] {
  return argv.flatMap((arg, i) => {
    const next = argv[i + 1];
    return arg === '--probe' && (next === undefined || next.startsWith('--')) ? ['--probe='] : [arg];
  });
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function banner(emulator: RunningEmulator, dataDir: string): string {
  const rows = [['merchant', 'mchid', 'kind', 'serial_no', 'APIv3 key', 'private key']];
  for (const m of Object.values(emulator.merchants)) {
    rows.push([m.key, m.mchid, m.kind, m.serialNo, m.apiV3Key, m.privateKeyPath ?? '(in memory)']);
  }
  const { ordinary } = emulator.merchants;
  const publicKey = emulator.wechatpayPublicKey;
  const optionsUrl = `${emulator.url}/_emulator/merchants/ordinary/client-options`;
  // In-memory keys have no files to point at: the control API hands out the full options instead.
  const configuration =
    ordinary.privateKeyPath && publicKey.path
      ? [
          `  new WechatPay({`,
          `    mchid: '${ordinary.mchid}',`,
          `    serialNo: '${ordinary.serialNo}',`,
          `    privateKey: '${ordinary.privateKeyPath}',`,
          `    wechatpayPublicKey: { id: '${publicKey.id}', key: '${publicKey.path}' },`,
          `    apiV3Key: '${ordinary.apiV3Key}',`,
          `    baseUrl: '${emulator.url}',`,
          `    backupBaseUrl: false,`,
          `  });`,
        ]
      : [`  new WechatPay(await (await fetch('${optionsUrl}')).json());`];
  return [
    `WeChat Pay APIv3 emulator listening on ${emulator.url}`,
    `data: ${dataDir}    control API: ${emulator.url}/_emulator`,
    '',
    table(rows),
    '',
    `sub-merchants: ${Object.values(emulator.merchants)
      .filter((m) => m.subMchids.length > 0)
      .map((m) => `${m.key} → ${m.subMchids.join(', ')}`)
      .join('; ')}`,
    `WeChat Pay public key: ${publicKey.id}  ${publicKey.path ?? '(in memory)'}`,
    '',
    'SDK configuration (ordinary merchant):',
    '',
    ...configuration,
    '',
    'Press Ctrl+C to stop.',
  ].join('\n');
}

async function main(): Promise<void> {
  const options = parse(normaliseProbe(process.argv.slice(2)));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const emulator = await startEmulator({
    port: options.port,
    host: options.host,
    dataDir: options.dataDir,
    logger: pino({ level: options.logLevel }),
    ...(options.probe === undefined ? {} : { probe: options.probe }),
    ...(options.manualClock ? { clock: { mode: 'manual' as const } } : {}),
  });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the emulator…\n`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`wxpay-emulator: error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Only now: whoever reads "Press Ctrl+C to stop." may send SIGINT at once, and it must find the handler.
  process.stdout.write(`${banner(emulator, options.dataDir)}\n`);
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  const message =
    code === 'EADDRINUSE'
      ? 'the port is already in use; pick another with --port (0 = any free port)'
      : (error as Error).message;
  process.stderr.write(`wxpay-emulator: ${message}\n`);
  process.exit(1);
});
