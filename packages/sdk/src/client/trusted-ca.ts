import { X509Certificate } from 'node:crypto';
import { WechatPayConfigError } from '../errors/index.js';

/** What the `ca` option accepts: PEM text (one certificate or a bundle), PEM or DER bytes, or a list of those. */
export type TrustedCaInput = string | Uint8Array | ReadonlyArray<string | Uint8Array>;

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function fail(message: string, cause?: unknown): never {
  throw new WechatPayConfigError('ca', message, cause);
}

function parse(data: string | Buffer, where: string): string {
  try {
    return new X509Certificate(data).toString();
  } catch (error) {
    fail(`${where} does not parse as an X.509 certificate`, error);
  }
}

/** One entry → its certificates as PEM; every one is parsed now, so a bad file fails at startup, not on a call. */
function certificatesOf(entry: string | Uint8Array, where: string): string[] {
  const bytes =
    typeof entry === 'string' ? undefined : Buffer.from(entry.buffer, entry.byteOffset, entry.byteLength);
  const text = typeof entry === 'string' ? entry : (bytes as Buffer).toString('latin1');
  const blocks = text.match(PEM_CERTIFICATE);
  if (blocks)
    return blocks.map((block, i) =>
      parse(block, blocks.length > 1 ? `${where}, certificate ${i + 1},` : where),
    );
  if (bytes) return [parse(bytes, where)];
  if (!text.includes('\n') && text.length < 4096) {
    fail(`${where} is not PEM text; to trust a file, pass its contents (readFileSync(path, 'utf8'))`);
  }
  fail(`${where} has no -----BEGIN CERTIFICATE----- block`);
}

/**
 * The `ca` option as the PEM list Node's TLS takes. These certificates replace Node's default roots for https
 * targets: include the public roots too if the same client also reaches hosts signed by them.
 */
export function resolveTrustedCa(value: unknown): string[] {
  const entries = Array.isArray(value) ? value : [value];
  if (entries.length === 0) fail("is an empty list; leave it out to trust Node's default roots");
  return entries.flatMap((entry: unknown, index) => {
    if (typeof entry !== 'string' && !(entry instanceof Uint8Array)) {
      fail('must be PEM text, PEM or DER bytes, or a list of them');
    }
    return certificatesOf(entry, entries.length > 1 ? `entry ${index}` : 'the value');
  });
}
