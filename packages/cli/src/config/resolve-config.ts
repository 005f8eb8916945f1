import { delimiter } from 'node:path';
import { WechatPayConfigError, type WechatPayOptions } from '@wxpay-kit/sdk';
import type { Profile, ProfileFile } from './profile-file.js';

/** Credential options every command that talks to WeChat Pay accepts. */
export interface CredentialFlags {
  profile?: string | undefined;
  mchid?: string | undefined;
  serialNo?: string | undefined;
  privateKey?: string | undefined;
  publicKeyId?: string | undefined;
  publicKey?: string | undefined;
  platformCertificate?: string[] | undefined;
  apiv3Key?: string | undefined;
  baseUrl?: string | undefined;
}

/** Where each setting came from, for `profile show` and for errors that say which source to fix. */
export type SettingSource = 'flag' | 'env' | `profile ${string}`;

/**
 * Each setting with its flag, environment variable and profile key, written once. Precedence, highest first:
 * flag, environment variable, the selected profile (--profile, else WXPAY_KIT_PROFILE, else the file's default).
 */
export const SETTINGS = [
  { key: 'mchid', flag: 'mchid', option: '--mchid <mchid>', env: 'WXPAY_KIT_MCHID', secret: false },
  {
    key: 'serialNo',
    flag: 'serialNo',
    option: '--serial-no <hex>',
    env: 'WXPAY_KIT_SERIAL_NO',
    secret: false,
  },
  {
    key: 'privateKey',
    flag: 'privateKey',
    option: '--private-key <path|pem>',
    env: 'WXPAY_KIT_PRIVATE_KEY',
    secret: true,
  },
  {
    key: 'publicKeyId',
    flag: 'publicKeyId',
    option: '--public-key-id <PUB_KEY_ID_…>',
    env: 'WXPAY_KIT_PUBLIC_KEY_ID',
    secret: false,
  },
  {
    key: 'publicKey',
    flag: 'publicKey',
    option: '--public-key <path|pem>',
    env: 'WXPAY_KIT_PUBLIC_KEY',
    secret: false,
  },
  {
    key: 'platformCertificates',
    flag: 'platformCertificate',
    option: '--platform-certificate <path>',
    env: 'WXPAY_KIT_PLATFORM_CERTIFICATES',
    secret: false,
  },
  {
    key: 'apiV3Key',
    flag: 'apiv3Key',
    option: '--apiv3-key <key>',
    env: 'WXPAY_KIT_APIV3_KEY',
    secret: true,
  },
  { key: 'baseUrl', flag: 'baseUrl', option: '--base-url <url>', env: 'WXPAY_KIT_BASE_URL', secret: false },
] as const;

type SettingKey = (typeof SETTINGS)[number]['key'];

export interface ResolvedConfig {
  profileName: string | undefined;
  values: Partial<Record<SettingKey, string | string[]>>;
  sources: Partial<Record<SettingKey, SettingSource>>;
}

function fromProfile(profile: Profile): Partial<Record<SettingKey, string | string[]>> {
  return {
    mchid: profile.mchid,
    serialNo: profile.serialNo,
    privateKey: profile.privateKey,
    publicKeyId: profile.wechatpayPublicKey?.id,
    publicKey: profile.wechatpayPublicKey?.key,
    platformCertificates: profile.platformCertificates,
    apiV3Key: profile.apiV3Key,
    baseUrl: profile.baseUrl,
  };
}

export function resolveConfig(
  flags: CredentialFlags,
  env: NodeJS.ProcessEnv,
  file: ProfileFile,
): ResolvedConfig {
  const profileName = flags.profile ?? (env['WXPAY_KIT_PROFILE'] || undefined) ?? file.default;
  let profileValues: ReturnType<typeof fromProfile> = {};
  if (profileName !== undefined) {
    const profile = file.profiles[profileName];
    if (profile === undefined) {
      const known = Object.keys(file.profiles);
      throw new WechatPayConfigError(
        'profile',
        `no profile "${profileName}"${known.length ? `; known: ${known.join(', ')}` : ' (none defined: wxpay-kit profile add)'}`,
      );
    }
    profileValues = fromProfile(profile);
  }
  const values: ResolvedConfig['values'] = {};
  const sources: ResolvedConfig['sources'] = {};
  for (const setting of SETTINGS) {
    const flag = flags[setting.flag as keyof CredentialFlags];
    const fromEnv = env[setting.env];
    if (flag !== undefined && !(Array.isArray(flag) && flag.length === 0)) {
      values[setting.key] = flag as string | string[];
      sources[setting.key] = 'flag';
    } else if (fromEnv) {
      values[setting.key] = setting.key === 'platformCertificates' ? fromEnv.split(delimiter) : fromEnv;
      sources[setting.key] = 'env';
    } else if (profileValues[setting.key] !== undefined) {
      values[setting.key] = profileValues[setting.key]!;
      sources[setting.key] = `profile ${profileName}`;
    }
  }
  return { profileName, values, sources };
}

/** The configuration error for a missing setting: which one, and the three ways to give it (exit 7). */
export function missingSetting(key: SettingKey, why: string): WechatPayConfigError {
  const setting = SETTINGS.find((s) => s.key === key)!;
  return new WechatPayConfigError(
    key,
    `${why}: pass ${setting.option.split(' ')[0]}, set ${setting.env}, or use a profile (wxpay-kit profile add)`,
  );
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The trust anchors only: what `verify` and `notify parse` need (no private key). */
export function keyringOptions(config: ResolvedConfig): {
  wechatpayPublicKey?: { id: string; key: string };
  platformCertificates?: string[];
} {
  const { publicKeyId, publicKey, platformCertificates } = config.values;
  if ((publicKeyId === undefined) !== (publicKey === undefined)) {
    throw missingSetting(
      publicKeyId === undefined ? 'publicKeyId' : 'publicKey',
      'the WeChat Pay public key needs both its id and its key',
    );
  }
  const certificates = Array.isArray(platformCertificates) ? platformCertificates : undefined;
  if (publicKey === undefined && certificates === undefined) {
    throw missingSetting('publicKey', 'no WeChat Pay public key or platform certificate to verify with');
  }
  return {
    ...(publicKey !== undefined
      ? { wechatpayPublicKey: { id: single(publicKeyId)!, key: single(publicKey)! } }
      : {}),
    ...(certificates !== undefined ? { platformCertificates: certificates } : {}),
  };
}

/**
 * Everything `new WechatPay()` needs, or a config error naming the first missing setting and how to give it. With
 * an APIv3 key and no public key or certificate, the SDK manages platform certificates itself (downloads them).
 */
export function clientOptions(config: ResolvedConfig): WechatPayOptions {
  const { values } = config;
  for (const key of ['mchid', 'serialNo', 'privateKey'] as const) {
    if (values[key] === undefined) throw missingSetting(key, `no ${key}`);
  }
  const baseUrl = single(values.baseUrl);
  const apiV3Key = single(values.apiV3Key);
  const managed =
    apiV3Key !== undefined && values.publicKey === undefined && values.platformCertificates === undefined;
  return {
    mchid: single(values.mchid)!,
    serialNo: single(values.serialNo)!,
    privateKey: single(values.privateKey)!,
    ...(managed ? {} : keyringOptions(config)),
    apiV3Key,
    ...(baseUrl !== undefined ? { baseUrl } : {}),
  };
}

/** A secret as `profile show` prints it: never the value. */
export function maskSecret(value: string): string {
  if (value.includes('-----BEGIN')) return '[PEM, hidden]';
  return `[hidden, ${value.length} characters]`;
}
