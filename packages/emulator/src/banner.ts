import { operationList } from '@wxpay-kit/sdk/catalogue';
import type { EmulatorMerchant, RunningEmulator } from './index.js';

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

/** The families a merchant of this kind calls, from the catalogue's roles. */
function familiesOf(merchant: EmulatorMerchant): string {
  const families = new Set(operationList.filter((op) => op.role === merchant.kind).map((op) => op.family));
  return [...families].join(', ') || 'no operation';
}

/** `new WechatPay({…})` for one merchant: key files when there are some, else fetched from the control API. */
function configuration(emulator: RunningEmulator, merchant: EmulatorMerchant): string[] {
  const publicKey = emulator.wechatpayPublicKey;
  const header = `  // ${merchant.key} (${merchant.mchid}): ${familiesOf(merchant)}`;
  if (merchant.privateKeyPath && publicKey.path) {
    return [
      header,
      `  new WechatPay({`,
      `    mchid: '${merchant.mchid}',`,
      `    serialNo: '${merchant.serialNo}',`,
      `    privateKey: '${merchant.privateKeyPath}',`,
      `    wechatpayPublicKey: { id: '${publicKey.id}', key: '${publicKey.path}' },`,
      `    apiV3Key: '${merchant.apiV3Key}',`,
      `    baseUrl: '${emulator.url}',`,
      `    backupBaseUrl: false,`,
      `  });`,
    ];
  }
  // In-memory keys have no files to point at: the control API hands out the full options instead.
  const url = `${emulator.url}/_emulator/merchants/${merchant.key}/client-options`;
  const init = emulator.controlToken
    ? `, { headers: { authorization: 'Bearer ${emulator.controlToken}' } }`
    : '';
  return [header, `  new WechatPay(await (await fetch('${url}'${init})).json());`];
}

/** What the CLI prints once listening: where it is, the merchants, and an SDK configuration for each caller. */
export function banner(emulator: RunningEmulator, options: { dataDir: string; host: string }): string {
  const rows = [['merchant', 'mchid', 'kind', 'appid', 'serial_no', 'APIv3 key']];
  for (const m of Object.values(emulator.merchants)) {
    rows.push([m.key, m.mchid, m.kind, m.appid, m.serialNo, m.apiV3Key]);
  }
  const publicKey = emulator.wechatpayPublicKey;
  const control = `${emulator.url}/_emulator`;
  const access = emulator.controlToken
    ? [
        `control API: ${control}  OPEN to the network: every control request needs`,
        `  Authorization: Bearer ${emulator.controlToken}`,
      ]
    : [
        `control API: ${control}  (loopback clients only${options.host === '127.0.0.1' || options.host === 'localhost' ? '' : '; --control-api open to share it'})`,
      ];
  return [
    `WeChat Pay APIv3 emulator listening on ${emulator.url}`,
    `data: ${options.dataDir}`,
    ...access,
    `health: ${emulator.url}/healthz    request journal: ${control}/requests`,
    '',
    table(rows),
    '',
    `sub-merchants: ${Object.values(emulator.merchants)
      .filter((m) => m.subMchids.length > 0)
      .map((m) => `${m.key} → ${m.subMchids.join(', ')}`)
      .join('; ')}`,
    `private keys: ${emulator.merchants.ordinary.privateKeyPath?.replace(/ordinary\/apiclient_key\.pem$/, '<merchant>/apiclient_key.pem') ?? '(in memory)'}`,
    `WeChat Pay public key: ${publicKey.id}  ${publicKey.path ?? '(in memory)'}`,
    '',
    "SDK configuration, one per caller (import { WechatPay } from '@wxpay-kit/sdk'):",
    '',
    ...Object.values(emulator.merchants).flatMap((m) => [...configuration(emulator, m), '']),
    'Press Ctrl+C to stop.',
  ].join('\n');
}
