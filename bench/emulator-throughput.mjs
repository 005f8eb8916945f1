import { startEmulator } from '@wxpay-kit/emulator';
import { WechatPay } from '@wxpay-kit/sdk';
import { Wechatpay } from 'wechatpay-axios-plugin';
import { cores, rawRsaRates } from './support/machine.mjs';
import { measureAsync, percentile } from './support/measure.mjs';
import { applyInput, startNotifyReceiver } from './support/notify-receiver.mjs';
import { row } from './support/report.mjs';

/**
 * End to end on loopback: `authorizations.get` against a running emulator, SDK and emulator in one process.
 * Every call costs a client sign, a server verify, a server sign and a client verify, so the machine's RSA
 * rates set a ceiling on calls per second; the ratio says how much of it HTTP, validation, SQLite and JSON leave.
 */

const CONCURRENCY = 32;
/** Per client, split into alternating rounds so that warm-up and the neighbours' load fall on both alike. */
const SECONDS = 3;
const ROUNDS = 4;
const WARMUP_SECONDS = 0.5;
const OUT_AUTHORIZATION_NO = 'benchThroughput0001';

/** Calls per second if all cores did nothing but the two signs and two verifies of each call. */
function theoreticalCallsPerSecond() {
  const { sign, verify } = rawRsaRates();
  const coreSecondsPerCall = 2 / sign + 2 / verify;
  return { callsPerSec: cores / coreSecondsPerCall, sign, verify };
}

/** The plugin's client, configured as its README shows, walking the same path with its chained segments. */
function pluginGet(emulator) {
  const merchant = emulator.merchants.ordinary;
  const plugin = new Wechatpay({
    mchid: merchant.mchid,
    serial: merchant.serialNo,
    privateKey: merchant.privateKeyPem,
    certs: { [emulator.wechatpayPublicKey.id]: emulator.wechatpayPublicKey.pem },
    baseURL: emulator.url,
  });
  const endpoint =
    plugin.v3.fundApp.mchTransfer.userConfirmAuthorization.outAuthorizationNo._out_authorization_no_;
  return async () => (await endpoint.get({ out_authorization_no: OUT_AUTHORIZATION_NO })).data;
}

/** Rounds → one rate over their total time and percentiles over all their calls. */
function combine(rounds) {
  const ops = rounds.reduce((sum, r) => sum + r.ops, 0);
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return {
    ops,
    opsPerSec: ops / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    loopBusy: rounds.reduce((sum, r) => sum + r.loopBusy * r.seconds, 0) / seconds,
  };
}

function expectAuthorization(data, client) {
  if (data?.out_authorization_no !== OUT_AUTHORIZATION_NO) {
    throw new Error(`emulator-throughput: ${client} got an unexpected answer ${JSON.stringify(data)}`);
  }
}

export async function run() {
  const theory = theoreticalCallsPerSecond();
  const receiver = await startNotifyReceiver();
  const emulator = await startEmulator({ dataDir: ':memory:', rateLimits: false });
  try {
    const wxpay = new WechatPay({ ...emulator.clientOptions('ordinary'), rateLimit: false, retry: false });
    await wxpay.authorizations.apply(applyInput(emulator, OUT_AUTHORIZATION_NO, receiver.url));
    const ourGet = () => wxpay.authorizations.get({ out_authorization_no: OUT_AUTHORIZATION_NO });
    expectAuthorization(await ourGet(), 'wxpay-kit');
    const peerGet = pluginGet(emulator);
    expectAuthorization(await peerGet(), 'wechatpay-axios-plugin');

    // The first seconds of a fresh emulator are slower (JIT, SQLite statement caches): warm both paths first.
    await measureAsync(ourGet, { concurrency: CONCURRENCY, seconds: WARMUP_SECONDS });
    await measureAsync(peerGet, { concurrency: CONCURRENCY, seconds: WARMUP_SECONDS });
    const ourRounds = [];
    const peerRounds = [];
    for (let round = 0; round < ROUNDS; round++) {
      const options = { concurrency: CONCURRENCY, seconds: SECONDS / ROUNDS, warmup: false };
      // Alternate which client goes first, so neither always follows the other's garbage.
      if (round % 2 === 0) {
        ourRounds.push(await measureAsync(ourGet, options));
        peerRounds.push(await measureAsync(peerGet, options));
      } else {
        peerRounds.push(await measureAsync(peerGet, options));
        ourRounds.push(await measureAsync(ourGet, options));
      }
    }
    const ours = combine(ourRounds);
    const peer = combine(peerRounds);
    const theoryLabel = `${Math.round(theory.callsPerSec)} calls/s = ${cores} cores / (2 signs + 2 verifies)`;
    const clientRows = (client, short, result) => [
      row(
        `${client} → emulator`,
        result.opsPerSec,
        'calls/s',
        result.opsPerSec / theory.callsPerSec,
        theoryLabel,
      ),
      row(`${short} latency p50`, result.p50, 'ms'),
      row(`${short} latency p99`, result.p99, 'ms'),
      row(`event loop busy, ${short} run`, result.loopBusy * 100, '%'),
    ];
    return {
      name: 'emulator-throughput',
      title: `authorizations.get on 127.0.0.1, concurrency ${CONCURRENCY}, ${SECONDS} s per client`,
      rows: [
        row('theoretical ceiling (RSA only)', theory.callsPerSec, 'calls/s', 1, 'itself'),
        ...clientRows('wxpay-kit SDK', 'wxpay-kit', ours),
        ...clientRows('wechatpay-axios-plugin', 'plugin', peer),
        row(
          'wxpay-kit vs plugin',
          ours.opsPerSec,
          'calls/s',
          ours.opsPerSec / peer.opsPerSec,
          'plugin calls/s',
        ),
      ],
      notes: [
        `client and emulator share this process and its one event loop; ${ours.ops} + ${peer.ops} calls, all verified on both sides`,
        'a busy loop near 100 % means the main thread (HTTP, validation, SQLite, JSON), not RSA, sets the pace',
        `raw rates used for the ceiling: sign ${Math.round(theory.sign)}/s, verify ${Math.round(theory.verify)}/s per core`,
      ],
    };
  } finally {
    await emulator.close();
    await receiver.close();
  }
}
