import { parseArgs } from 'node:util';
import { benchKeys } from './support/machine.mjs';
import { OUT_AUTHORIZATION_NO, replayClient, startReplayServer } from './support/replay.mjs';

/**
 * wxpay-kit alone against the replaying server, for a CPU profile of the client's hot path:
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/profile-calls.mjs --concurrency 32 --seconds 5
 *   node bench/support/summarize-profile.mjs /tmp/prof/CPU.*.cpuprofile   (the larger file is the client)
 */

const { values } = parseArgs({
  options: { concurrency: { type: 'string', default: '32' }, seconds: { type: 'string', default: '5' } },
});
const concurrency = Number(values.concurrency);
const keys = benchKeys();
const server = await startReplayServer(keys);
const wxpay = replayClient(server, keys, keys);
const call = () => wxpay.authorizations.get({ out_authorization_no: OUT_AUTHORIZATION_NO });
await call();
const end = Date.now() + Number(values.seconds) * 1000;
let calls = 0;
const before = process.cpuUsage();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      await call();
      calls++;
    }
  }),
);
const cpu = process.cpuUsage(before);
console.log(
  `${calls} calls at concurrency ${concurrency}: ${Math.round(cpu.user / calls)} µs user + ${Math.round(cpu.system / calls)} µs system CPU per call`,
);
await server.close();
