import type { FastifyInstance } from 'fastify';
import { clientOptionsFor } from '../core/client-options.js';
import type { EmulatorRuntime } from '../core/create-runtime.js';
import { MERCHANT_KEYS } from '../core/credentials.js';
import { ControlInputError } from './control-input.js';

/** The generated credentials: who can call, with which keys, and ready-made client options. */
export function merchantRoutes(app: FastifyInstance, runtime: EmulatorRuntime): void {
  const { credentials } = runtime;

  app.get('/merchants', async () => ({
    platform: {
      publicKeyId: credentials.platform.publicKeyId,
      publicKeyPem: credentials.platform.publicKeyPem,
      publicKeyPath: credentials.platform.publicKeyPath,
      certificateSerial: credentials.platform.certificateSerial,
      certificatePath: credentials.platform.certificatePath,
    },
    merchants: MERCHANT_KEYS.map((key) => {
      const m = credentials.merchants[key];
      return {
        key,
        mchid: m.mchid,
        kind: m.kind,
        name: m.name,
        appid: m.appid,
        serialNo: m.serialNo,
        apiV3Key: m.apiV3Key,
        privateKeyPath: m.privateKeyPath,
        certificatePath: m.certificatePath,
        subMerchants: m.subMerchants,
      };
    }),
  }));

  app.get<{ Params: { key: string } }>('/merchants/:key/client-options', async (request) => {
    const merchant = runtime.directory.resolve(request.params.key);
    if (!merchant) {
      throw new ControlInputError(
        `no merchant "${request.params.key}"; use one of ${MERCHANT_KEYS.join(', ')} or their mchids`,
        404,
        'NOT_FOUND',
      );
    }
    const baseUrl = `${request.protocol}://${request.headers.host ?? `${request.hostname}`}`;
    return clientOptionsFor(merchant.credentials, credentials, baseUrl);
  });
}
