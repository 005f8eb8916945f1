import type { FastifyInstance } from 'fastify';
import type { EmulatorRuntime } from '../core/create-runtime.js';
import { ApiError } from '../wire/api-error.js';
import { clockRoutes } from './clock.js';
import { ControlInputError, sendControlError } from './control-input.js';
import { familyActionRoutes } from './family-actions.js';
import { faultRoutes } from './faults.js';
import { merchantRoutes } from './merchants.js';
import { notificationRoutes } from './notifications.js';
import { platformCertificateRoutes } from './platform-certificates.js';
import { bearerRefusal, controlRequestRefusal } from './request-guard.js';
import { requestRoutes } from './requests.js';
import { resetRoutes } from './reset.js';
import { resourceRoutes } from './resources.js';
import { settingsRoutes } from './settings.js';

export const CONTROL_PREFIX = '/_emulator';

/**
 * The control API under `/_emulator`: plain JSON, not part of WeChat Pay's API. By default only loopback
 * clients are answered, and not web pages they browse (see request-guard.ts), since it hands out private keys and
 * can change any record. Open (a shared team instance), any client with the bearer token is.
 */
export function registerControlApi(
  app: FastifyInstance,
  runtime: EmulatorRuntime,
  options: { controlApi: 'loopback' | 'open'; controlToken?: string | undefined },
): void {
  const token = options.controlToken;
  if (options.controlApi === 'open' && !token) {
    throw new Error(
      "controlApi 'open' needs a controlToken: anyone who reaches it can read every private key",
    );
  }
  app.register(
    async (control) => {
      // One hook for every route of the plugin, the families' own control actions included.
      control.addHook('onRequest', async (request, reply) => {
        const refusal =
          options.controlApi === 'open' ? bearerRefusal(request, token!) : controlRequestRefusal(request);
        if (refusal) return sendControlError(reply, refusal);
      });
      control.setErrorHandler((error, request, reply) => {
        if (error instanceof ControlInputError) return sendControlError(reply, error);
        if (error instanceof ApiError) return reply.code(error.status).send(error.toBody());
        // Fastify's own refusals come first: some are RangeErrors too (413 body too large) and keep their status.
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 413) {
          return sendControlError(
            reply,
            new ControlInputError((error as Error).message, 413, 'PAYLOAD_TOO_LARGE'),
          );
        }
        if (status !== undefined && status >= 400 && status < 500) {
          return sendControlError(reply, new ControlInputError((error as Error).message, status));
        }
        if (error instanceof RangeError) return sendControlError(reply, new ControlInputError(error.message));
        request.log.error({ err: error }, 'control request failed');
        const message = error instanceof Error ? error.message : String(error);
        return reply.code(500).send({ code: 'SYSTEM_ERROR', message });
      });
      merchantRoutes(control, runtime);
      resourceRoutes(control, runtime);
      notificationRoutes(control, runtime);
      clockRoutes(control, runtime);
      faultRoutes(control, runtime);
      settingsRoutes(control, runtime);
      platformCertificateRoutes(control, runtime);
      resetRoutes(control, runtime);
      requestRoutes(control, runtime);
      familyActionRoutes(control, runtime, CONTROL_PREFIX);
    },
    { prefix: CONTROL_PREFIX },
  );
}
