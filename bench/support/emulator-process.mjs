import { startEmulator } from '@wxpay-kit/emulator';

/**
 * One emulator in a process of its own, on the data folder given as the first argument (several such processes
 * share its SQLite file in WAL mode). Prints one JSON line (url, pid, the ordinary merchant) once it listens, and
 * closes on SIGTERM. For bench/emulator-processes.mjs. The pool's priority is lowered, as `wxpay-emulator` does.
 */
const emulator = await startEmulator({
  dataDir: process.argv[2],
  rateLimits: false,
  lowerThreadPoolPriority: true,
});
const { ordinary } = emulator.merchants;
process.stdout.write(`${JSON.stringify({ url: emulator.url, pid: process.pid, ordinary })}\n`);
process.once('SIGTERM', async () => {
  await emulator.close();
  process.exit(0);
});
