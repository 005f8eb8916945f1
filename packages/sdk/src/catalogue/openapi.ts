import { crossFieldRules } from './cross-field-rules.js';
import { notificationList } from './notifications.js';
import { operationList } from './operations.js';
import type { DocumentedError, OperationSpec } from './types.js';

type Json = Record<string, unknown>;

export const PRIMARY_SERVER = 'https://api.mch.weixin.qq.com';
export const BACKUP_SERVER = 'https://api2.mch.weixin.qq.com';

const SIGNATURE_HEADERS = [
  ['Request-ID', 'Server request id; quote it in support cases'],
  ['Wechatpay-Timestamp', 'Unix seconds used in the response signature'],
  ['Wechatpay-Nonce', 'Random string used in the response signature'],
  ['Wechatpay-Signature', 'Base64 SHA256withRSA signature over "timestamp\\nnonce\\nbody\\n"'],
  ['Wechatpay-Serial', 'Platform certificate serial or PUB_KEY_ID_… of the verifying key'],
  ['Wechatpay-Signature-Type', 'WECHATPAY2-SHA256-RSA2048 (or WECHATPAY2-SM2-WITH-SM3)'],
] as const;

/** TypeBox schemas are JSON Schema already; the round trip drops anything JSON cannot carry. */
function plain(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema)) as Json;
}

function propertiesOf(schema: unknown): [string, Json, boolean][] {
  if (schema === undefined) return [];
  const json = plain(schema);
  const properties = (json['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((json['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => [name, property, required.has(name)]);
}

function parameters(operation: OperationSpec): Json[] {
  const result: Json[] = [];
  for (const [name, schema] of propertiesOf(operation.params)) {
    result.push({ name, in: 'path', required: true, description: schema['description'], schema });
  }
  for (const [name, schema, required] of propertiesOf(operation.query)) {
    result.push({ name, in: 'query', required, description: schema['description'], schema });
  }
  if (operation.wechatpaySerial) {
    result.push({
      name: 'Wechatpay-Serial',
      in: 'header',
      required: operation.wechatpaySerial === 'required',
      description:
        'Id of the key that encrypted the sensitive fields: platform certificate serial or PUB_KEY_ID_…',
      schema: { type: 'string' },
    });
  }
  return result;
}

function errorResponses(errors: readonly DocumentedError[]): Record<string, Json> {
  const byStatus = new Map<number, DocumentedError[]>();
  for (const error of errors) byStatus.set(error.status, [...(byStatus.get(error.status) ?? []), error]);
  const responses: Record<string, Json> = {};
  for (const [status, rows] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: rows.map((row) => `${row.code}: ${row.description}`).join('; '),
      content: {
        'application/json': {
          schema: {
            allOf: [
              { $ref: '#/components/schemas/Error' },
              { properties: { code: { enum: rows.map((row) => row.code) } } },
            ],
          },
        },
      },
    };
  }
  return responses;
}

function successResponse(operation: OperationSpec): Record<string, Json> {
  const headers = Object.fromEntries(
    SIGNATURE_HEADERS.map(([name]) => [name, { $ref: `#/components/headers/${name}` }]),
  );
  if (operation.response === undefined) return { '204': { description: 'No Content', headers } };
  return {
    '200': {
      description: 'OK',
      headers,
      content: { 'application/json': { schema: plain(operation.response) } },
    },
  };
}

function toOperationObject(operation: OperationSpec): Json {
  const result: Json = {
    operationId: operation.name,
    summary: operation.summary,
    description: operation.description,
    tags: [operation.family],
    parameters: parameters(operation),
    responses: { ...successResponse(operation), ...errorResponses(operation.errors) },
    'x-merchant-role': operation.role,
    'x-rate-limit': { ...operation.rateLimit },
    'x-errors': operation.errors.map((error) => ({ ...error })),
  };
  if (operation.docs) result['externalDocs'] = { url: operation.docs };
  if (operation.body) {
    result['requestBody'] = {
      required: true,
      content: { 'application/json': { schema: plain(operation.body) } },
    };
  }
  if (operation.wechatpaySerial) result['x-wechatpay-serial'] = operation.wechatpaySerial;
  if (operation.sensitive) result['x-sensitive-fields'] = plain(operation.sensitive);
  const rules = crossFieldRules[operation.name];
  if (rules) result['x-cross-field-rules'] = plain(rules);
  return result;
}

/** An OpenAPI 3.1 document of every catalogue operation, built from the rows alone. */
export function toOpenApi(options: { version?: string } = {}): Json {
  const paths: Record<string, Json> = {};
  for (const operation of operationList) {
    const item = paths[operation.path] ?? {};
    item[operation.method.toLowerCase()] = toOperationObject(operation);
    paths[operation.path] = item;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'WeChat Pay APIv3 (微信支付 APIv3): wxpay-kit catalogue',
      version: options.version ?? '0.1.0',
      description:
        'Operations covered by wxpay-kit. Every request is signed (see the WechatPay2 security scheme); every ' +
        'response except 401 carries a signature to verify. Rows marked `source: assumed` in x-errors and ' +
        'x-rate-limit are reasoned choices, not documented facts.',
    },
    servers: [
      { url: PRIMARY_SERVER, description: '主域名 Primary domain (nearest access point)' },
      { url: BACKUP_SERVER, description: '备域名 Backup domain (remote access point), for failover' },
    ],
    tags: [...new Set(operationList.map((operation) => operation.family))].map((name) => ({ name })),
    security: [{ WechatPay2: [] }],
    paths,
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', description: 'Upper snake case error code, e.g. PARAM_ERROR' },
            message: { type: 'string', description: 'Human-readable text (per Accept-Language)' },
            detail: {
              type: 'object',
              description: 'Optional; for PARAM_ERROR it names the offending input',
              properties: {
                field: { type: 'string', description: 'JSON pointer or parameter name' },
                value: {},
                issue: { type: 'string' },
                location: { type: 'string', description: 'body, url, query, header or authorization' },
              },
            },
          },
        },
      },
      headers: Object.fromEntries(
        SIGNATURE_HEADERS.map(([name, description]) => [name, { description, schema: { type: 'string' } }]),
      ),
      securitySchemes: {
        WechatPay2: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            'WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…". ' +
            'signature = Base64(SHA256withRSA(merchant API private key, ' +
            '"METHOD\\nURL\\nTIMESTAMP\\nNONCE\\nBODY\\n")); URL is path and query as sent; timestamp within 5 minutes.',
        },
      },
    },
    'x-notifications': notificationList.map((spec) => ({
      family: spec.family,
      eventTypes: [...spec.eventTypes],
      originalType: spec.originalType,
      associatedData: spec.associatedData,
      retrySchedule: [...spec.retrySchedule],
      retryScheduleSource: spec.retryScheduleSource,
      resource: plain(spec.resource),
    })),
  };
}
