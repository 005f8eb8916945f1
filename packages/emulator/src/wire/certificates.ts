import type { RateLimit } from '@wxpay-kit/sdk/catalogue';
import { AEAD_AES_256_GCM, encryptAeadAes256Gcm, generateNonce } from '@wxpay-kit/sdk/protocol';
import type { PlatformCredentials } from '../core/credentials.js';
import { formatTime } from '../core/format-time.js';
import { ApiError } from './api-error.js';

export const CERTIFICATES_PATH = '/v3/certificates';
/** The name rate limits and injected faults use for `GET /v3/certificates`. */
export const CERTIFICATES_OPERATION = 'certificates.download';
export const CERTIFICATES_RATE_LIMIT: RateLimit = {
  perSecond: 1000,
  code: 'RATELIMIT_EXCEEDED',
  source: 'documented',
};

const ALGORITHM_TYPES = ['RSA', 'SM2', 'ALL'];

/**
 * `GET /v3/certificates` (spec §2.6): the platform certificate, encrypted under the caller's APIv3 key with
 * associated data `certificate`. The emulator holds no ShangMi certificate, so `algorithm_type=SM2` lists none.
 */
export function certificatesBody(rawUrl: string, platform: PlatformCredentials, apiV3Key: string): unknown {
  const query = new URLSearchParams(rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '');
  const algorithm = query.get('algorithm_type') ?? 'RSA';
  if (!ALGORITHM_TYPES.includes(algorithm)) {
    throw new ApiError(
      400,
      'PARAM_ERROR',
      `输入源“/query/algorithm_type”校验失败：algorithm_type must be one of ${ALGORITHM_TYPES.join(', ')}`,
      {
        field: 'algorithm_type',
        value: algorithm,
        issue: `must be one of ${ALGORITHM_TYPES.join(', ')}`,
        location: 'query',
      },
    );
  }
  if (algorithm === 'SM2') return { data: [] };
  const nonce = generateNonce(12);
  return {
    data: [
      {
        serial_no: platform.certificateSerial,
        effective_time: formatTime(platform.notBefore),
        expire_time: formatTime(platform.notAfter),
        encrypt_certificate: {
          algorithm: AEAD_AES_256_GCM,
          nonce,
          associated_data: 'certificate',
          ciphertext: encryptAeadAes256Gcm({
            apiV3Key,
            nonce,
            associatedData: 'certificate',
            plaintext: platform.certificatePem,
          }),
        },
      },
    ],
  };
}
