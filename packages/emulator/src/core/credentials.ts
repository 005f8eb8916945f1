import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
  randomBytes,
  randomInt,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MerchantRole } from '@wxpay-kit/sdk/catalogue';
import { generateNonce } from '@wxpay-kit/sdk/protocol';
import { createSelfSignedCertificate } from '@wxpay-kit/sdk/testing';
import { MEMORY } from '../db/open-database.js';
import { DEV_MERCHANTS } from './dev-merchants.js';

export const MERCHANT_KEYS = ['ordinary', 'serviceProvider', 'platform'] as const;
export type MerchantKey = (typeof MERCHANT_KEYS)[number];

const KIND_OF: Record<MerchantKey, MerchantRole> = {
  ordinary: 'merchant',
  serviceProvider: 'serviceProvider',
  platform: 'platform',
};
const NAME_OF: Record<MerchantKey, string> = {
  ordinary: '模拟普通商户 (emulated ordinary merchant)',
  serviceProvider: '模拟服务商 (emulated service provider)',
  platform: '模拟平台商户 (emulated platform merchant)',
};

export interface SubMerchantCredentials {
  mchid: string;
  name: string;
  appid: string;
}

/** A calling merchant: everything a client needs to sign requests and open notifications. */
export interface MerchantCredentials {
  key: MerchantKey;
  mchid: string;
  kind: MerchantRole;
  name: string;
  appid: string;
  /** Serial of the merchant API certificate (40 upper-case hex), sent as `serial_no`. */
  serialNo: string;
  privateKeyPem: string;
  certificatePem: string;
  apiV3Key: string;
  /** Set when the credentials live on disk. */
  privateKeyPath?: string;
  certificatePath?: string;
  subMerchants: SubMerchantCredentials[];
}

/** The emulator's own key pair, known to clients as a WeChat Pay public key and as a platform certificate. */
export interface PlatformCredentials {
  /** `PUB_KEY_ID_…`, the id of the WeChat Pay public key. */
  publicKeyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
  certificatePem: string;
  /** 40 upper-case hex: the platform certificate's serial. */
  certificateSerial: string;
  /** Validity of the platform certificate, epoch ms (the `/v3/certificates` effective/expire times). */
  notBefore: number;
  notAfter: number;
  privateKeyPath?: string;
  publicKeyPath?: string;
  certificatePath?: string;
}

export interface Credentials {
  platform: PlatformCredentials;
  merchants: Record<MerchantKey, MerchantCredentials>;
  /** Where they are stored, or undefined for in-memory credentials. */
  directory?: string;
}

export const MANIFEST = 'credentials.json';
const MANIFEST_VERSION = 1;
const CERT_VALIDITY_MS = 5 * 365 * 24 * 3600 * 1000;

function generateRsaKeyPair(): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    // The callback form runs on the libuv pool, so the four pairs are generated in parallel.
    generateKeyPair('rsa', { modulusLength: 2048 }, (error, publicKey, privateKey) => {
      if (error) reject(error);
      else resolve({ privateKey, publicKey });
    });
  });
}

/** 40 upper-case hex with a first digit of 1–7: positive and without a leading zero byte in DER. */
function certificateSerial(): string {
  return (randomInt(1, 8).toString(16) + randomBytes(20).toString('hex').slice(1)).toUpperCase();
}

function digits(count: number): string {
  let out = '';
  while (out.length < count) out += randomInt(0, 10);
  return out;
}

const pem = (key: KeyObject, type: 'pkcs8' | 'spki') => key.export({ format: 'pem', type }) as string;

/**
 * Generates a fresh set: the platform key pair and certificate, three callers, four sub-merchants. Merchant numbers
 * and appids are the documented DEV_MERCHANTS; keys, serials and APIv3 keys are new each time.
 */
export async function generateCredentials(now = Date.now()): Promise<Credentials> {
  const [platformPair, ...merchantPairs] = await Promise.all([
    generateRsaKeyPair(),
    ...MERCHANT_KEYS.map(() => generateRsaKeyPair()),
  ]);
  const notBefore = new Date(now - 24 * 3600 * 1000);
  const notAfter = new Date(now + CERT_VALIDITY_MS);
  const platformSerial = certificateSerial();
  const platform: PlatformCredentials = {
    publicKeyId: `PUB_KEY_ID_${digits(34)}`,
    privateKeyPem: pem(platformPair!.privateKey, 'pkcs8'),
    publicKeyPem: pem(platformPair!.publicKey, 'spki'),
    certificatePem: createSelfSignedCertificate({
      privateKey: platformPair!.privateKey,
      serialNo: platformSerial,
      commonName: 'Tenpay.com Root CA (wxpay-kit emulator)',
      organizationName: 'Tenpay.com',
      notBefore,
      notAfter,
    }),
    certificateSerial: platformSerial,
    notBefore: notBefore.getTime(),
    notAfter: notAfter.getTime(),
  };
  const entries = MERCHANT_KEYS.map((key, index): [MerchantKey, MerchantCredentials] => {
    const pair = merchantPairs[index]!;
    const dev = DEV_MERCHANTS[key];
    const id = dev.mchid;
    const serialNo = certificateSerial();
    const subMerchants = dev.subMerchants.map((sub, n) => ({
      mchid: sub.mchid,
      name: `${NAME_OF[key]} 子商户 ${n + 1}`,
      appid: sub.appid,
    }));
    return [
      key,
      {
        key,
        mchid: id,
        kind: KIND_OF[key],
        name: NAME_OF[key],
        appid: dev.appid,
        serialNo,
        privateKeyPem: pem(pair.privateKey, 'pkcs8'),
        certificatePem: createSelfSignedCertificate({
          privateKey: pair.privateKey,
          serialNo,
          commonName: id,
          organizationName: '微信商户系统',
          organizationalUnitName: NAME_OF[key],
          notBefore,
          notAfter,
        }),
        apiV3Key: generateNonce(32),
        subMerchants,
      },
    ];
  });
  return { platform, merchants: Object.fromEntries(entries) as Record<MerchantKey, MerchantCredentials> };
}

interface Manifest {
  version: number;
  platform: Omit<PlatformCredentials, 'privateKeyPem' | 'publicKeyPem' | 'certificatePem'> & {
    privateKeyPath: string;
    publicKeyPath: string;
    certificatePath: string;
  };
  merchants: Record<
    MerchantKey,
    Omit<MerchantCredentials, 'privateKeyPem' | 'certificatePem'> & {
      privateKeyPath: string;
      certificatePath: string;
    }
  >;
}

function writeSecret(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600); // writeFileSync keeps the mode of an existing file
}

/**
 * Writes PEM files (private keys 0600) and the manifest; returns the credentials with their paths set. The files
 * go to `writeTo` (default: `directory`) while the paths name `directory`: a set written aside and then renamed
 * into place in one step (the key cache) is never seen half-written.
 */
export function store(credentials: Credentials, directory: string, writeTo = directory): Credentials {
  mkdirSync(writeTo, { recursive: true, mode: 0o700 });
  /** The path to record, after writing `text` where it goes now. */
  const write = (path: string, text: string, secret = false) => {
    const now = join(writeTo, path);
    if (secret) writeSecret(now, text);
    else writeFileSync(now, text);
    return join(directory, path);
  };
  const platform: PlatformCredentials = {
    ...credentials.platform,
    privateKeyPath: write('wechatpay_private_key.pem', credentials.platform.privateKeyPem, true),
    publicKeyPath: write('wechatpay_public_key.pem', credentials.platform.publicKeyPem),
    certificatePath: write('wechatpay_certificate.pem', credentials.platform.certificatePem),
  };
  const merchants = {} as Record<MerchantKey, MerchantCredentials>;
  for (const key of MERCHANT_KEYS) {
    mkdirSync(join(writeTo, key), { recursive: true, mode: 0o700 });
    const merchant = credentials.merchants[key];
    merchants[key] = {
      ...merchant,
      privateKeyPath: write(join(key, 'apiclient_key.pem'), merchant.privateKeyPem, true),
      certificatePath: write(join(key, 'apiclient_cert.pem'), merchant.certificatePem),
    };
  }
  const { privateKeyPem: _p, publicKeyPem: _q, certificatePem: _c, ...platformRest } = platform;
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    platform: platformRest as Manifest['platform'],
    merchants: Object.fromEntries(
      MERCHANT_KEYS.map((key) => {
        const { privateKeyPem: _k, certificatePem: _m, ...rest } = merchants[key];
        return [key, rest];
      }),
    ) as Manifest['merchants'],
  };
  // The manifest holds the APIv3 keys, so it is as secret as the private keys. Written last: it marks a whole set.
  write(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`, true);
  return { platform, merchants, directory };
}

function readPem(path: string, directory: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `emulator credentials: cannot read ${path} (${(error as NodeJS.ErrnoException).code}); ` +
        `restore it or delete ${directory} to generate new credentials`,
    );
  }
}

export function load(directory: string): Credentials {
  const manifestPath = join(directory, MANIFEST);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  } catch (error) {
    throw new Error(
      `emulator credentials: ${manifestPath} is unreadable or not JSON (${(error as Error).message}); ` +
        `delete ${directory} to generate new credentials`,
    );
  }
  if (manifest.version !== MANIFEST_VERSION || !manifest.platform || !manifest.merchants) {
    throw new Error(
      `emulator credentials: ${manifestPath} has an unknown layout; delete ${directory} to regenerate`,
    );
  }
  const platform: PlatformCredentials = {
    ...manifest.platform,
    privateKeyPem: readPem(manifest.platform.privateKeyPath, directory),
    publicKeyPem: readPem(manifest.platform.publicKeyPath, directory),
    certificatePem: readPem(manifest.platform.certificatePath, directory),
  };
  const merchants = {} as Record<MerchantKey, MerchantCredentials>;
  for (const key of MERCHANT_KEYS) {
    const entry = manifest.merchants[key];
    if (!entry) throw new Error(`emulator credentials: ${manifestPath} lacks the merchant "${key}"`);
    merchants[key] = {
      ...entry,
      privateKeyPem: readPem(entry.privateKeyPath, directory),
      certificatePem: readPem(entry.certificatePath, directory),
    };
  }
  checkKeysParse({ platform, merchants });
  return { platform, merchants, directory };
}

function checkKeysParse(credentials: Credentials): void {
  const check = (what: string, fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      throw new Error(`emulator credentials: ${what} does not parse (${(error as Error).message})`);
    }
  };
  check('the platform private key', () => createPrivateKey(credentials.platform.privateKeyPem));
  check('the platform public key', () => createPublicKey(credentials.platform.publicKeyPem));
  for (const merchant of Object.values(credentials.merchants)) {
    check(`the private key of ${merchant.key}`, () => createPrivateKey(merchant.privateKeyPem));
  }
}

/**
 * `<dataDir>/credentials/` is reused when it exists, so client configurations keep working across restarts;
 * otherwise a new set is generated and written there. `:memory:` keeps a new set in memory only.
 */
export async function loadOrCreateCredentials(dataDir: string, now = Date.now()): Promise<Credentials> {
  if (dataDir === MEMORY) return generateCredentials(now);
  const directory = join(dataDir, 'credentials');
  if (existsSync(join(directory, MANIFEST))) return load(directory);
  return store(await generateCredentials(now), directory);
}
