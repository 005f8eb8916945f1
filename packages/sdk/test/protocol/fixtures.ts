import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadPrivateKey } from '@wxpay-kit/sdk/protocol';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

export interface RequestVector {
  method: string;
  url: string;
  timestamp: string;
  nonce: string;
  body: string;
  message: string;
  signature: string;
}

export const officialKeyPath = fixture('official-test-merchant-key.pem');
export const officialKeyPem = readFileSync(officialKeyPath, 'utf8');
export const officialKey = loadPrivateKey(officialKeyPem);

export const vectors = JSON.parse(readFileSync(fixture('vectors.json'), 'utf8')) as {
  request_signatures: (RequestVector & { mchid: string; serial_no: string })[];
  aead_aes_256_gcm: {
    key: string;
    nonce: string;
    associated_data: string;
    plaintext: string;
    ciphertext: string;
  }[];
};

export const seedVectors = JSON.parse(readFileSync(fixture('seed-vectors.json'), 'utf8')) as {
  mchid: string;
  serial_no: string;
  authorization_example_a: string;
  seed_request_signatures: RequestVector[];
  response_signature: { timestamp: string; nonce: string; body: string; message: string; signature: string };
};
