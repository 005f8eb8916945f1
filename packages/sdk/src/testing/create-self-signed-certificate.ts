import { createPublicKey, type KeyObject, sign } from 'node:crypto';
import { type KeyInput, loadPrivateKey, loadPublicKey } from '../protocol/keys.js';
import {
  bitString,
  boolean,
  explicit,
  nullValue,
  objectIdentifier,
  octetString,
  printableString,
  sequence,
  set,
  time,
  unsignedInteger,
  utf8String,
} from './der.js';

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const OID = {
  commonName: '2.5.4.3',
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
};

export interface SelfSignedCertificateInput {
  privateKey: KeyInput;
  /** Defaults to the public half of `privateKey`. */
  publicKey?: KeyInput | undefined;
  /** Hex, even length, at most 40 digits (20 bytes), e.g. WeChat's `5157F09EFDC096DE15EBE81A47057A7232F1B8E1`. */
  serialNo: string;
  commonName: string;
  organizationName?: string | undefined;
  organizationalUnitName?: string | undefined;
  notBefore: Date;
  notAfter: Date;
}

function serialBytes(serialNo: string): Buffer {
  if (!/^(?:[0-9A-Fa-f]{2}){1,20}$/.test(serialNo)) {
    throw new RangeError(
      `createSelfSignedCertificate: serialNo must be 2–40 hex digits of even length, got "${serialNo}"`,
    );
  }
  // A leading 00 byte would be dropped by the minimal DER encoding, and the serial would not read back the same.
  if (/^00/.test(serialNo) || /^0+$/.test(serialNo)) {
    throw new RangeError(`createSelfSignedCertificate: serialNo must not start with 00, got "${serialNo}"`);
  }
  return Buffer.from(serialNo, 'hex');
}

function attribute(oid: string, value: Buffer): Buffer {
  return set(sequence(objectIdentifier(oid), value));
}

function name(input: SelfSignedCertificateInput): Buffer {
  const parts = [attribute(OID.countryName, printableString('CN'))];
  if (input.organizationName) parts.push(attribute(OID.organizationName, utf8String(input.organizationName)));
  if (input.organizationalUnitName) {
    parts.push(attribute(OID.organizationalUnitName, utf8String(input.organizationalUnitName)));
  }
  parts.push(attribute(OID.commonName, utf8String(input.commonName)));
  return sequence(...parts);
}

function extensions(): Buffer {
  // An end-entity key for signatures and key encipherment, like WeChat Pay's merchant and platform certificates.
  const basicConstraints = sequence(
    objectIdentifier(OID.basicConstraints),
    boolean(true),
    octetString(sequence()),
  );
  // digitalSignature (bit 0) and keyEncipherment (bit 2): 1010 0000, five unused bits.
  const keyUsage = sequence(
    objectIdentifier(OID.keyUsage),
    boolean(true),
    octetString(bitString(Buffer.from([0xa0]), 5)),
  );
  return explicit(3, sequence(basicConstraints, keyUsage));
}

/**
 * A self-signed X.509 v3 certificate (RSA, SHA256withRSA) as PEM, built by hand because Node has no API to
 * issue certificates. For tests and the emulator: a stand-in merchant API or platform certificate.
 */
export function createSelfSignedCertificate(input: SelfSignedCertificateInput): string {
  const privateKey = loadPrivateKey(input.privateKey, 'privateKey');
  const publicKey: KeyObject = input.publicKey
    ? loadPublicKey(input.publicKey, 'publicKey')
    : createPublicKey(privateKey);
  if (!(input.notBefore < input.notAfter)) {
    throw new RangeError('createSelfSignedCertificate: notBefore must be earlier than notAfter');
  }
  const algorithm = sequence(objectIdentifier(SHA256_WITH_RSA), nullValue());
  const subject = name(input);
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))),
    unsignedInteger(serialBytes(input.serialNo)),
    algorithm,
    subject,
    sequence(time(input.notBefore), time(input.notAfter)),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
    extensions(),
  );
  const der = sequence(tbs, algorithm, bitString(sign('sha256', tbs, privateKey)));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
