import { isOperationName, operations } from '@wxpay-kit/sdk/catalogue';
import type { FastifyInstance } from 'fastify';
import type { EmulatorRuntime } from '../core/create-runtime.js';
import { CERTIFICATES_OPERATION } from '../wire/certificates.js';
import { ANY_OPERATION, type NewFaultRule } from '../wire/fault-injection.js';
import { ControlInputError, jsonBody, rejectUnknownKeys } from './control-input.js';

function defaultMessage(operation: string, status: number, code: string): string {
  const documented = isOperationName(operation)
    ? operations[operation].errors.find((e) => e.status === status && e.code === code)
    : undefined;
  if (documented) return documented.description;
  return status >= 500 ? '系统异常,请稍后重试' : `injected ${status} ${code}`;
}

function ruleOf(body: Record<string, unknown>): NewFaultRule {
  rejectUnknownKeys(body, ['operation', 'status', 'code', 'message', 'count'], 'fault rule');
  const { operation, status, code, message, count = 1 } = body;
  if (
    typeof operation !== 'string' ||
    !(operation === ANY_OPERATION || operation === CERTIFICATES_OPERATION || isOperationName(operation))
  ) {
    throw new ControlInputError(
      `operation must be an operation name (e.g. transferBills.partnerCreate), ${CERTIFICATES_OPERATION} or "*", got ${JSON.stringify(operation)}`,
    );
  }
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
    throw new ControlInputError(`status must be an HTTP error status 400–599, got ${JSON.stringify(status)}`);
  }
  if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(code)) {
    throw new ControlInputError(
      `code must be an upper-case error code such as SYSTEM_ERROR, got ${JSON.stringify(code)}`,
    );
  }
  if (message !== undefined && (typeof message !== 'string' || message === '')) {
    throw new ControlInputError(`message must be a non-empty string, got ${JSON.stringify(message)}`);
  }
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
    throw new ControlInputError(`count must be a positive integer, got ${JSON.stringify(count)}`);
  }
  return { operation, status, code, message: message ?? defaultMessage(operation, status, code), count };
}

/** Injected failures for the next N calls of an operation (after authentication). */
export function faultRoutes(app: FastifyInstance, runtime: EmulatorRuntime): void {
  app.get('/faults', async () => ({ faults: runtime.faults.list() }));
  app.post('/faults', async (request, reply) =>
    reply.code(201).send({ fault: runtime.faults.add(ruleOf(jsonBody(request))) }),
  );
  app.delete('/faults', async () => ({ deleted: runtime.faults.clear() }));
}
