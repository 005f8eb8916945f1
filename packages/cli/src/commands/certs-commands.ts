import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WechatPay } from '@wxpay-kit/sdk';
import { loadCertificate } from '@wxpay-kit/sdk/protocol';
import type { Command } from 'commander';
import { clientOptions } from '../config/resolve-config.js';
import { CliUsageError } from '../exit-codes.js';
import { type CliContext, withCredentialOptions } from './context.js';

/** The file name WeChat Pay's own certificate downloaders use, so existing tooling finds the files. */
export function certificateFileName(serialNo: string): string {
  return `wechatpay_${serialNo}.pem`;
}

function pemFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch {
      throw new CliUsageError(`no such file or folder: ${path}`);
    }
    if (!stat.isDirectory()) return [path];
    return readdirSync(path)
      .filter((name) => name.endsWith('.pem'))
      .sort()
      .map((name) => join(path, name));
  });
}

export function registerCertsCommands(program: Command, context: CliContext): void {
  const certs = program.command('certs').description('platform certificates (平台证书)');

  withCredentialOptions(
    certs
      .command('download')
      .summary('download, verify and save the platform certificates')
      .description(
        'Calls GET /v3/certificates, decrypts each certificate with the APIv3 key, checks it (X.509, serial) and the\n' +
          "download's own signature, then writes each as wechatpay_<serial>.pem. Needs the APIv3 key.",
      )
      .option('--out <dir>', 'folder to write the certificates to', '.'),
  ).action(async (options: { out: string }, self: Command) => {
    const output = context.output(self);
    const wxpay = new WechatPay(clientOptions(context.config(self)));
    const certificates = await wxpay.downloadPlatformCertificates();
    mkdirSync(options.out, { recursive: true });
    const written = certificates.map((certificate) => {
      const file = resolve(options.out, certificateFileName(certificate.serialNo));
      writeFileSync(file, certificate.pem);
      const { pem: _pem, ...rest } = certificate;
      return { ...rest, file };
    });
    output.result(written, () =>
      written.map((c) => `${output.green('✓')} ${c.serialNo}  until ${c.expireTime}  → ${c.file}`).join('\n'),
    );
  });

  certs
    .command('list')
    .summary('show the serial and validity of certificate files')
    .argument('[paths...]', 'certificate files or folders of .pem files (default: the current folder)')
    .action((paths: string[], _options: unknown, self: Command) => {
      const output = context.output(self);
      const now = Date.now();
      const rows = pemFiles(paths.length > 0 ? paths : ['.']).map((file) => {
        try {
          const certificate = loadCertificate(readFileSync(file, 'utf8'), file);
          const state =
            certificate.validTo.getTime() < now
              ? 'expired'
              : certificate.validFrom.getTime() > now
                ? 'not yet valid'
                : 'valid';
          return {
            file,
            serialNo: certificate.serialNo,
            validFrom: certificate.validFrom.toISOString(),
            validTo: certificate.validTo.toISOString(),
            state,
          };
        } catch (error) {
          return { file, error: (error as Error).message };
        }
      });
      output.result(rows, () =>
        rows.length === 0
          ? 'no .pem files'
          : rows
              .map((row) =>
                'error' in row
                  ? `${output.red('✗')} ${row.file}: ${row.error}`
                  : `${row.state === 'valid' ? output.green('✓') : output.yellow('!')} ${row.serialNo}  ${row.validFrom} → ${row.validTo}  ${row.state}  ${output.dim(row.file)}`,
              )
              .join('\n'),
      );
      // A file that is not a certificate is a failure a script must see, not only a line it could miss.
      if (rows.some((row) => 'error' in row)) process.exitCode = 1;
    });
}
