import { throughput } from '../emulator-load.mjs';
import { startNotifyReceiver } from './notify-receiver.mjs';

/**
 * One throughput measurement (emulator reads and writes, and the node:http floor) in a process of its own, with
 * the thread pool at the priority named by argv[2] (`lowered` or `normal`): lowering it cannot be undone in a
 * process, and the benchmarks measured after this one must not inherit it. Prints the runs as JSON.
 */
const priority = process.argv[2];
if (priority !== 'lowered' && priority !== 'normal')
  throw new Error('usage: throughput-process.mjs lowered|normal');
const receiver = await startNotifyReceiver();
try {
  const result = await throughput(receiver, { lowerThreadPoolPriority: priority === 'lowered' });
  process.stdout.write(JSON.stringify(result));
} finally {
  await receiver.close();
}
