import { fork } from 'node:child_process';
import { sign, verify } from 'node:crypto';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { WechatPay } from '@wxpay-kit/sdk';
import { Wechatpay } from 'wechatpay-axios-plugin';
import { benchKeys, SAMPLE_MESSAGE } from './support/machine.mjs';
import { measureAsync } from './support/measure.mjs';
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
const MCHID = '1900007291';
const SERIAL = '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB';
const PLATFORM_ID = 'PUB_KEY_ID_0000000000000024101100397200000006';
const OUT_AUTHORIZATION_NO = 'plfk2020042013';
/** The seed page's answer to authorizations.get. */
const ANSWER = JSON.stringify({
  out_authorization_no: OUT_AUTHORIZATION_NO,
  appid: 'wxf636efh567hg4356',
  openid: 'o-MYE42l80oelYMDE34nYD456Xoy',
  user_display_name: 'wx_123456',
  authorization_id: '201202504101000123456789012',
  state: 'AUTHORIZED',
  authorize_time: '2015-05-20T13:29:35.120+08:00',
  transfer_scene_id: '1000',
  user_recv_perception: '现金奖励',
  create_time: '2015-05-20T13:29:35.120+08:00',
});

/**
 * CPU microseconds of one sync RSA-2048 sign plus one verify, read from process.cpuUsage like the calls below,
 * so that a loaded machine (where wall time per operation grows) does not inflate the floor.
 */
function signVerifyCpuMicros(keys) {
  const run = () =>
    verify('sha256', SAMPLE_MESSAGE, keys.publicKey, sign('sha256', SAMPLE_MESSAGE, keys.privateKey));
  for (let i = 0; i < 20; i++) run();
  const before = process.cpuUsage();
  const end = performance.now() + 1_000;
  let ops = 0;
  do {
    run();
    ops++;
  } while (performance.now() < end);
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / ops;
}

async function startReplayServer(platformKeyPem) {
  const child = fork(new URL('./support/replay-server.mjs', import.meta.url), { stdio: 'inherit' });
  child.send({ platformKeyPem, platformId: PLATFORM_ID, body: ANSWER });
  const [{ port }] = await once(child, 'message');
  return {
    url: `http://127.0.0.1:${port}`,
    async answered() {
      child.send('count');
      const [{ answered }] = await once(child, 'message');
      return answered;
    },
    close() {
      child.disconnect();
      return once(child, 'exit');
    },
  };
}

function expectAnswer(data, client) {
  if (data?.out_authorization_no !== OUT_AUTHORIZATION_NO) {
    throw new Error(`peer-calls: ${client} got an unexpected answer ${JSON.stringify(data)}`);
  }
}

/** measureAsync plus the CPU this whole process (main thread and thread pool) spent during the measurement. */
async function measureWithCpu(fn, options) {
  const before = process.cpuUsage();
  const result = await measureAsync(fn, { ...options, warmup: false });
  const cpu = process.cpuUsage(before);
  return { ...result, cpuMicros: cpu.user + cpu.system };
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
  const server = await startReplayServer(
    platform.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
  try {
    const wxpay = new WechatPay({
      mchid: MCHID,
      serialNo: SERIAL,
      privateKey: merchantKeyPem,
      wechatpayPublicKey: { id: PLATFORM_ID, key: platformPublicPem },
      baseUrl: server.url,
      rateLimit: false,
      retry: false,
    });
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
      const rounds = { 'wxpay-kit': [], 'wechatpay-axios-plugin': [] };
      const names = Object.keys(clients);
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
      });
    }
    // The floor is measured before and after the calls and averaged, so a change of load during the run is split.
    const floorMicros = (floorBefore + signVerifyCpuMicros(merchant)) / 2;
    rows.push(row('raw sign + verify CPU (the floor)', floorMicros, 'µs', 1, 'itself'));
    const verdicts = [];
    for (const { concurrency, ours, peer } of results) {
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
