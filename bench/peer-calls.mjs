import { Wechatpay } from 'wechatpay-axios-plugin';
import { bareClient } from './support/bare-client.mjs';
import { measureWithCpu, signVerifyCpuMicros } from './support/call-cpu.mjs';
import { benchKeys } from './support/machine.mjs';
import { measureAsync } from './support/measure.mjs';
import {
  MCHID,
  OUT_AUTHORIZATION_NO,
  PLATFORM_ID,
  replayClient,
  SERIAL,
  startReplayServer,
} from './support/replay.mjs';
import { row } from './support/report.mjs';

/**
 * Per-call cost of the client itself, against the best peer SDK, with the server in another process. The server
 * (support/replay-server.mjs) answers every signed request with one pre-signed body, so nearly all the CPU this
 * process spends is the client's: signing, HTTP, verification, JSON. One RSA sign plus one verify is the floor
 * any correct client pays; "beyond sign+verify" subtracts that floor, measured in the same run.
 *
 * wechatpay-node-v3 is not compared: it hard-codes https://api.mch.weixin.qq.com (no base-URL option), so it cannot
 * be pointed at a loopback server, and it leaves response verification to the caller.
 */

const CONCURRENCIES = [1, 32];
/** Per client and concurrency, split into alternating rounds so drift and neighbours' load fall on both alike. */
const SECONDS = 3;
const ROUNDS = 4;
const WARMUP_SECONDS = 0.5;

function expectAnswer(data, client) {
  if (data?.out_authorization_no !== OUT_AUTHORIZATION_NO) {
    throw new Error(`peer-calls: ${client} got an unexpected answer ${JSON.stringify(data)}`);
  }
}

/** Rounds → one rate over their total time, CPU per call over all their calls. */
function combine(rounds) {
  const ops = rounds.reduce((sum, r) => sum + r.ops, 0);
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  const cpuMicros = rounds.reduce((sum, r) => sum + r.cpuMicros, 0);
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return {
    ops,
    opsPerSec: ops / seconds,
    cpuPerCall: cpuMicros / ops,
    p50: latencies[Math.floor(latencies.length / 2)],
  };
}

export async function run() {
  // One key pair plays both merchant and platform: the RSA work is the same, and generating keys is not measured.
  const merchant = benchKeys();
  const platform = merchant;
  const floorBefore = signVerifyCpuMicros(merchant);
  const merchantKeyPem = merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const platformPublicPem = platform.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const server = await startReplayServer(platform);
  try {
    const wxpay = replayClient(server, merchant, platform);
    const plugin = new Wechatpay({
      mchid: MCHID,
      serial: SERIAL,
      privateKey: merchantKeyPem,
      certs: { [PLATFORM_ID]: platformPublicPem },
      baseURL: server.url,
    });
    const pluginEndpoint =
      plugin.v3.fundApp.mchTransfer.userConfirmAuthorization.outAuthorizationNo._out_authorization_no_;
    const clients = {
      'wxpay-kit': () => wxpay.authorizations.get({ out_authorization_no: OUT_AUTHORIZATION_NO }),
      // Chained segments, as its README shows (and as bench/emulator-throughput.mjs calls it).
      'bare node:http': bareClient({
        baseUrl: server.url,
        mchid: MCHID,
        serialNo: SERIAL,
        merchant,
        platform,
        path: `/v3/fund-app/mch-transfer/user-confirm-authorization/out-authorization-no/${OUT_AUTHORIZATION_NO}`,
      }),
      'wechatpay-axios-plugin': async () =>
        (await pluginEndpoint.get({ out_authorization_no: OUT_AUTHORIZATION_NO })).data,
    };
    for (const [name, call] of Object.entries(clients)) expectAnswer(await call(), name);

    const rows = [];
    const results = [];
    for (const concurrency of CONCURRENCIES) {
      for (const call of Object.values(clients)) {
        await measureAsync(call, { concurrency, seconds: WARMUP_SECONDS });
      }
      const names = Object.keys(clients);
      const rounds = Object.fromEntries(names.map((name) => [name, []]));
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate which client goes first, so neither always follows the other's garbage.
        const order = round % 2 === 0 ? names : [...names].reverse();
        for (const name of order) {
          rounds[name].push(await measureWithCpu(clients[name], { concurrency, seconds: SECONDS / ROUNDS }));
        }
      }
      results.push({
        concurrency,
        ours: combine(rounds['wxpay-kit']),
        peer: combine(rounds['wechatpay-axios-plugin']),
        bare: combine(rounds['bare node:http']),
      });
    }
    // The floor is measured before and after the calls and averaged, so a change of load during the run is split.
    const floorMicros = (floorBefore + signVerifyCpuMicros(merchant)) / 2;
    rows.push(row('raw sign + verify CPU (the floor)', floorMicros, 'µs', 1, 'itself'));
    const verdicts = [];
    for (const { concurrency, ours, peer, bare } of results) {
      const ratio = ours.opsPerSec / peer.opsPerSec;
      const goal = concurrency === 1 ? 1.2 : 1.5;
      rows.push(
        row(`c${concurrency} wxpay-kit`, ours.opsPerSec, 'calls/s', ratio, 'plugin calls/s'),
        row(`c${concurrency} plugin`, peer.opsPerSec, 'calls/s', 1, 'itself'),
        row(`c${concurrency} wxpay-kit latency p50`, ours.p50, 'ms'),
        row(`c${concurrency} plugin latency p50`, peer.p50, 'ms'),
        row(
          `c${concurrency} wxpay-kit CPU per call`,
          ours.cpuPerCall,
          'µs',
          ours.cpuPerCall / floorMicros,
          'sign + verify',
        ),
        row(
          `c${concurrency} plugin CPU per call`,
          peer.cpuPerCall,
          'µs',
          peer.cpuPerCall / floorMicros,
          'sign + verify',
        ),
        row(
          `c${concurrency} wxpay-kit CPU beyond sign+verify`,
          ours.cpuPerCall - floorMicros,
          'µs',
          (ours.cpuPerCall - floorMicros) / (peer.cpuPerCall - floorMicros),
          'plugin beyond sign+verify',
        ),
        row(`c${concurrency} plugin CPU beyond sign+verify`, peer.cpuPerCall - floorMicros, 'µs'),
        row(
          `c${concurrency} bare node:http client`,
          bare.opsPerSec,
          'calls/s',
          bare.opsPerSec / peer.opsPerSec,
          'plugin calls/s',
        ),
        row(
          `c${concurrency} bare client CPU beyond sign+verify`,
          bare.cpuPerCall - floorMicros,
          'µs',
          (ours.cpuPerCall - floorMicros) / (bare.cpuPerCall - floorMicros),
          'wxpay-kit / bare',
        ),
      );
      verdicts.push(
        `c${concurrency}: ${ratio.toFixed(2)}× the plugin's calls/s (goal ≥ ${goal}×: ${ratio >= goal ? 'met' : 'missed'}); ` +
          `${Math.round(ours.cpuPerCall - floorMicros)} µs beyond sign+verify (goal ≤ 150 µs: ${ours.cpuPerCall - floorMicros <= 150 ? 'met' : 'missed'})`,
      );
    }
    const answered = await server.answered();
    return {
      name: 'peer-calls',
      title:
        'authorizations.get against a replaying server in its own process: wxpay-kit vs wechatpay-axios-plugin',
      rows,
      notes: [
        ...verdicts,
        `CPU is this process's user+system time (main thread and thread pool) per call; the server's is not in it`,
        `${answered} signed requests answered; every answer was verified by the client that asked`,
      ],
    };
  } finally {
    await server.close();
  }
}
