import type { FastifyInstance } from 'fastify';
import type { EmulatorRuntime } from '../core/create-runtime.js';
import { formatTime } from '../core/format-time.js';
import { type IssuedCertificate, platformCertificatesOf, ROTATION_OVERLAP_MS } from '../wire/certificates.js';
import { ControlInputError, jsonBody, rejectUnknownKeys } from './control-input.js';

function describe(certificate: IssuedCertificate) {
  return {
    serial_no: certificate.serial,
    effective_time: formatTime(certificate.effectiveMs),
    expire_time: formatTime(certificate.expireMs),
    pem: certificate.pem,
  };
}

/**
 * The platform certificates `GET /v3/certificates` lists, and their rotation: a new certificate signs answers
 * to certificate-mode clients at once, while the previous one stays listed and valid for `overlapMs` (24 h).
 */
export function platformCertificateRoutes(app: FastifyInstance, runtime: EmulatorRuntime): void {
  app.get('/platform-certificates', async () => {
    const certificates = platformCertificatesOf(runtime);
    return {
      current: certificates.current.serial,
      listed: certificates.listed(runtime.clock.now()).map(describe),
    };
  });

  app.post('/platform-certificates/rotate', async (request) => {
    const body = jsonBody(request);
    rejectUnknownKeys(body, ['overlapMs'], 'rotate');
    const overlapMs = body.overlapMs ?? ROTATION_OVERLAP_MS;
    if (typeof overlapMs !== 'number' || !Number.isInteger(overlapMs) || overlapMs < 0) {
      throw new ControlInputError(
        `overlapMs must be an integer number of ms ≥ 0, got ${JSON.stringify(overlapMs)}`,
      );
    }
    const { previous, current } = platformCertificatesOf(runtime).rotate(runtime.clock.now(), overlapMs);
    return { previous: describe(previous), current: describe(current) };
  });
}
