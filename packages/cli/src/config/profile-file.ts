import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { WechatPayConfigError } from '@wxpay-kit/sdk';

/** One merchant's credentials. Keys and certificates are file paths or PEM text, as `new WechatPay()` takes them. */
export interface Profile {
  mchid: string;
  serialNo: string;
  privateKey: string;
  wechatpayPublicKey?: { id: string; key: string } | undefined;
  platformCertificates?: string[] | undefined;
  apiV3Key?: string | undefined;
  baseUrl?: string | undefined;
}

export interface ProfileFile {
  version: 1;
  /** The profile used when neither --profile nor WXPAY_KIT_PROFILE names one. */
  default?: string | undefined;
  profiles: Record<string, Profile>;
}

/** `$WXPAY_KIT_CONFIG`, else `$XDG_CONFIG_HOME/wxpay-kit/profiles.json`, else `~/.config/wxpay-kit/profiles.json`. */
export function profileFilePath(env: NodeJS.ProcessEnv): string {
  if (env['WXPAY_KIT_CONFIG']) return env['WXPAY_KIT_CONFIG'];
  const base = env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
  return join(base, 'wxpay-kit', 'profiles.json');
}

const EMPTY: ProfileFile = { version: 1, profiles: {} };

export function readProfileFile(path: string): ProfileFile {
  if (!existsSync(path)) return structuredClone(EMPTY);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new WechatPayConfigError(
      'profile file',
      `${path} is not valid JSON (${(error as Error).message}); fix or delete it`,
    );
  }
  const file = parsed as Partial<ProfileFile>;
  if (
    typeof file !== 'object' ||
    file === null ||
    typeof file.profiles !== 'object' ||
    file.profiles === null
  ) {
    throw new WechatPayConfigError('profile file', `${path} must be {"version":1,"profiles":{…}}`);
  }
  for (const [name, profile] of Object.entries(file.profiles)) {
    for (const field of ['mchid', 'serialNo', 'privateKey'] as const) {
      if (typeof profile?.[field] !== 'string' || profile[field] === '') {
        throw new WechatPayConfigError('profile file', `${path}: profile "${name}" has no ${field}`);
      }
    }
  }
  return { version: 1, default: file.default, profiles: file.profiles };
}

/**
 * Writes atomically (temporary file, then rename) and readable by the owner only: the file holds private keys and
 * APIv3 keys.
 */
export function writeProfileFile(path: string, file: ProfileFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}
