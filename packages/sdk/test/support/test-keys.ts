import { generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface TestKeys {
  merchant: {
    mchid: string;
    serialNo: string;
    privateKey: KeyObject;
    publicKey: KeyObject;
    privateKeyPem: string;
  };
  platform: { id: string; privateKey: KeyObject; publicKey: KeyObject; publicKeyPem: string };
}

let cached: TestKeys | undefined;

/** A merchant API key pair and a WeChat Pay platform key pair, generated once per test file. */
export function testKeys(): TestKeys {
  if (cached) return cached;
  const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
  cached = {
    merchant: {
      mchid: '1900007291',
      serialNo: '408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB',
      privateKey: merchant.privateKey,
      publicKey: merchant.publicKey,
      privateKeyPem: merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
    platform: {
      id: 'PUB_KEY_ID_0000000000000024101100397200000006',
      privateKey: platform.privateKey,
      publicKey: platform.publicKey,
      publicKeyPem: platform.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
  };
  return cached;
}
