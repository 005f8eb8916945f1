import { CERTIFICATES_PATH, type OpenedPlatformCertificate } from '../certificates/certificate-download.js';
import { PlatformCertificateManager } from '../certificates/platform-certificate-manager.js';
import { verifyCertificateDownload } from '../certificates/verify-certificate-download.js';
import { WechatPayApiError } from '../errors/index.js';
import { WechatPayCertificateError } from '../errors/wechat-pay-certificate-error.js';
import { executeRequest } from './execute-request.js';
import type { PreparedRequest } from './prepared-request.js';
import type { ClientContext, ManagedCertificateSettings } from './resolve-options.js';

/** The label hooks and errors use for the download (the emulator's rate limits and faults use it too). */
export const CERTIFICATES_OPERATION = 'certificates.download';

/**
 * `GET /v3/certificates` through the client's own signing, retries and failover, verified with the keys the
 * answer carries (plus the configured public key and the certificates already trusted).
 */
async function downloadCertificates(
  context: ClientContext,
  settings: ManagedCertificateSettings,
): Promise<OpenedPlatformCertificate[]> {
  let opened: OpenedPlatformCertificate[] | undefined;
  const prepared: PreparedRequest = {
    label: CERTIFICATES_OPERATION,
    operation: undefined,
    method: 'GET',
    pathAndQuery: CERTIFICATES_PATH,
    body: undefined,
    wechatpaySerial: undefined,
    expectsBody: true,
    responseSensitive: [],
    ratePerSecond: undefined,
    verifyResponse: async (response, nowSeconds) => {
      opened = await verifyCertificateDownload({
        headers: response.headers,
        body: response.bodyBytes,
        apiV3Key: settings.apiV3Key,
        now: nowSeconds,
        trusted: context.keyring,
      });
    },
  };
  try {
    await executeRequest(context, prepared, {});
  } catch (error) {
    // New merchants get no platform certificate: WeChat Pay answers 404 RESOURCE_NOT_EXISTS (or, earlier, 500).
    if (error instanceof WechatPayApiError && error.status === 404) {
      throw new WechatPayCertificateError(
        'NO_CERTIFICATES',
        `GET ${CERTIFICATES_PATH} answered ${error.status} ${error.code ?? ''} (${error.message}): this merchant has ` +
          'no platform certificate; configure wechatpayPublicKey ({ id: "PUB_KEY_ID_…", key }) from the merchant platform',
        { cause: error },
      );
    }
    throw error;
  }
  return opened!;
}

export function createCertificateManager(
  context: ClientContext,
  settings: ManagedCertificateSettings,
): PlatformCertificateManager {
  return new PlatformCertificateManager({
    mchid: context.mchid,
    apiV3Key: settings.apiV3Key,
    keyring: context.keyring,
    store: settings.store,
    download: () => downloadCertificates(context, settings),
    now: context.now,
    sleep: (ms) => context.sleep(ms),
    refreshIntervalMs: settings.refreshIntervalMs,
    unknownSerialCooldownMs: settings.unknownSerialCooldownMs,
  });
}
