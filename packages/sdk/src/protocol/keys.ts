import {
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  KeyObject as KeyObjectClass,
  X509Certificate,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { WechatPayConfigError } from '../errors/wechat-pay-config-error.js';

/** A key or certificate: PEM text, a path to a PEM (or DER) file, the file's bytes, or an already loaded object. */
export type KeyInput = string | Uint8Array | KeyObject;
export type CertificateInput = string | Uint8Array | X509Certificate;

export interface LoadedCertificate {
  /** Upper-case hex without separators, as WeChat Pay writes serials. */
  serialNo: string;
  publicKey: KeyObject;
  validFrom: Date;
  validTo: Date;
  pem: string;
}

const PRIVATE_LABELS = ['PRIVATE KEY', 'RSA PRIVATE KEY'];
const PUBLIC_LABELS = ['PUBLIC KEY', 'RSA PUBLIC KEY', 'CERTIFICATE'];
const CERTIFICATE_LABELS = ['CERTIFICATE'];
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

interface Source {
  /** Where the bytes came from, for messages: `file /x.pem` or `the given text`. Never the content itself. */
  origin: string;
  bytes: Buffer;
}

/**
 * Whether an input that failed to load may be echoed: a short single line with a path separator or a dot.
 * Anything else may be key material pasted into the wrong option (a PEM body, an APIv3 key), so it is not shown.
 */
function looksLikePath(input: string): boolean {
  return input.length <= 512 && !/[\r\n]|\\n/.test(input) && /[/\\.]/.test(input);
}

/** `\n` written as two characters, as a PEM often arrives from an environment variable. */
function refuseEscapedNewlines(source: Source, label: string): void {
  if (source.bytes.includes('-----BEGIN') && source.bytes.includes('\\n')) {
    throw new WechatPayConfigError(
      label,
      `${source.origin} contains literal \\n sequences; replace them with real newlines`,
    );
  }
}

/**
 * Resolves a string to PEM text or a file path; file problems become config errors. Only input that looks like a
 * path is named, and the file system's error is not attached as the cause, because it repeats the input.
 */
function readSource(input: string | Uint8Array, label: string): Source {
  const source = resolveSource(input, label);
  refuseEscapedNewlines(source, label);
  return source;
}

function resolveSource(input: string | Uint8Array, label: string): Source {
  if (typeof input !== 'string') return { origin: 'the given bytes', bytes: Buffer.from(input) };
  if (input.includes('-----BEGIN')) return { origin: 'the given text', bytes: Buffer.from(input, 'utf8') };
  if (/^[A-Za-z0-9+/=\s]{64,}$/.test(input)) {
    // Refuse without echoing: this is almost certainly key material pasted without its armour lines.
    throw new WechatPayConfigError(
      label,
      'looks like Base64 key material without the -----BEGIN …----- / -----END …----- lines; pass the full PEM or a file path',
    );
  }
  const pathLike = looksLikePath(input);
  let bytes: Buffer;
  try {
    bytes = readFileSync(input);
  } catch (error) {
    if (!pathLike) {
      throw new WechatPayConfigError(
        label,
        `is neither PEM text nor a readable file path (${input.length} chars, not shown)`,
      );
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WechatPayConfigError(label, `file not found: ${input}`);
    if (code === 'EISDIR') throw new WechatPayConfigError(label, `is a directory, not a key file: ${input}`);
    throw new WechatPayConfigError(label, `cannot read ${input}: ${code ?? 'unknown error'}`);
  }
  return { origin: pathLike ? `file ${input}` : 'the given file', bytes };
}

function pemBlocks(bytes: Buffer): { label: string; text: string }[] {
  const text = bytes.toString('utf8');
  return [...text.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1] ?? '', text: m[0] }));
}

function isPemText(bytes: Buffer): boolean {
  return bytes.includes('-----BEGIN');
}

/** Picks the block of the wanted kind, or explains what was found instead. */
function pickBlock(source: Source, wanted: string[], kind: string, label: string): string {
  const blocks = pemBlocks(source.bytes);
  const block = blocks.find((b) => wanted.includes(b.label));
  if (block) return block.text;
  if (blocks.length === 0) {
    throw new WechatPayConfigError(
      label,
      `not a PEM ${kind}: ${source.origin} has no complete -----BEGIN … ----- block`,
    );
  }
  const found = blocks.map((b) => b.label).join(', ');
  const hint = found.includes('ENCRYPTED')
    ? '; encrypted private keys are not supported, decrypt it first'
    : '';
  throw new WechatPayConfigError(label, `not a PEM ${kind}: ${source.origin} holds ${found}${hint}`);
}

function requireRsa(key: KeyObject, label: string): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new WechatPayConfigError(
      label,
      `not an RSA key (found ${key.asymmetricKeyType ?? 'unknown'}); WeChat Pay APIv3 uses RSA 2048`,
    );
  }
  return key;
}

function firstThatParses<T>(attempts: (() => T)[]): T | undefined {
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // try the next encoding
    }
  }
  return undefined;
}

/** Merchant API private key (`apiclient_key.pem`): PKCS#8 or PKCS#1, PEM or DER. */
export function loadPrivateKey(input: KeyInput, label = 'privateKey'): KeyObject {
  if (input instanceof KeyObjectClass) {
    if (input.type !== 'private')
      throw new WechatPayConfigError(label, `expected a private key, got a ${input.type} key`);
    return requireRsa(input, label);
  }
  const source = readSource(input, label);
  if (isPemText(source.bytes)) {
    const pem = pickBlock(source, PRIVATE_LABELS, 'private key', label);
    try {
      return requireRsa(createPrivateKey(pem), label);
    } catch (error) {
      if (error instanceof WechatPayConfigError) throw error;
      throw new WechatPayConfigError(
        label,
        `the private key in ${source.origin} does not parse (corrupted or truncated)`,
        error,
      );
    }
  }
  const key = firstThatParses([
    () => createPrivateKey({ key: source.bytes, format: 'der', type: 'pkcs8' }),
    () => createPrivateKey({ key: source.bytes, format: 'der', type: 'pkcs1' }),
  ]);
  if (!key)
    throw new WechatPayConfigError(
      label,
      `not a PEM private key: ${source.origin} is neither PEM nor DER key data`,
    );
  return requireRsa(key, label);
}

/** WeChat Pay public key (`pub_key.pem`) or any key to verify with: SPKI, PKCS#1 public, or an X.509 certificate. */
export function loadPublicKey(input: KeyInput, label = 'publicKey'): KeyObject {
  if (input instanceof KeyObjectClass) {
    // Deriving the public half from a private key would hide a mix-up that also leaks the private key around.
    if (input.type !== 'public')
      throw new WechatPayConfigError(label, `expected a public key, got a ${input.type} key`);
    return requireRsa(input, label);
  }
  const source = readSource(input, label);
  if (isPemText(source.bytes)) {
    const pem = pickBlock(source, PUBLIC_LABELS, 'public key or certificate', label);
    try {
      const key = pem.startsWith('-----BEGIN CERTIFICATE')
        ? new X509Certificate(pem).publicKey
        : createPublicKey(pem);
      return requireRsa(key, label);
    } catch (error) {
      if (error instanceof WechatPayConfigError) throw error;
      throw new WechatPayConfigError(
        label,
        `the public key in ${source.origin} does not parse (corrupted or truncated)`,
        error,
      );
    }
  }
  const key = firstThatParses([
    () => createPublicKey({ key: source.bytes, format: 'der', type: 'spki' }),
    () => createPublicKey({ key: source.bytes, format: 'der', type: 'pkcs1' }),
    () => new X509Certificate(source.bytes).publicKey,
  ]);
  if (!key)
    throw new WechatPayConfigError(
      label,
      `not a PEM public key: ${source.origin} is neither PEM nor DER key data`,
    );
  return requireRsa(key, label);
}

/** Normalises Node's serial (upper-case hex, possibly colon-separated in other tools) to WeChat's form. */
export function normalizeSerial(serial: string): string {
  return serial.replace(/:/g, '').toUpperCase();
}

/** A platform or merchant API certificate (`apiclient_cert.pem`). */
export function loadCertificate(input: CertificateInput, label = 'certificate'): LoadedCertificate {
  let certificate: X509Certificate;
  if (input instanceof X509Certificate) {
    certificate = input;
  } else {
    const source = readSource(input, label);
    const data = isPemText(source.bytes)
      ? pickBlock(source, CERTIFICATE_LABELS, 'certificate', label)
      : source.bytes;
    try {
      certificate = new X509Certificate(data);
    } catch (error) {
      const what = typeof data === 'string' ? 'the certificate in' : 'not a PEM certificate:';
      throw new WechatPayConfigError(label, `${what} ${source.origin} does not parse as X.509`, error);
    }
  }
  return {
    serialNo: normalizeSerial(certificate.serialNumber),
    publicKey: requireRsa(certificate.publicKey, label),
    validFrom: new Date(certificate.validFrom),
    validTo: new Date(certificate.validTo),
    pem: certificate.toString(),
  };
}
