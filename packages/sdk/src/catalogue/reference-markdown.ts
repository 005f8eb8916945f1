import { crossFieldRules } from './cross-field-rules.js';
import { notificationList } from './notifications.js';
import { operationList } from './operations.js';
import { RFC3339_PATTERN } from './schemas.js';
import type { OperationSpec } from './types.js';

type Json = Record<string, unknown>;

function plain(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema ?? {})) as Json;
}

function cell(text: unknown): string {
  return String(text ?? '')
    .replaceAll('|', '\\|')
    .replaceAll('\n', ' ');
}

function typeOf(schema: Json): string {
  if (Array.isArray(schema['enum'])) return (schema['enum'] as unknown[]).map((v) => `\`${v}\``).join(' | ');
  if (Array.isArray(schema['anyOf'])) return (schema['anyOf'] as Json[]).map(typeOf).join(' | ');
  if (schema['type'] === 'array') return `array of ${typeOf((schema['items'] ?? {}) as Json)}`;
  return String(schema['type'] ?? 'any');
}

function constraints(schema: Json): string {
  const parts: string[] = [];
  if (schema['pattern'] === RFC3339_PATTERN) {
    parts.push('RFC 3339 date-time');
    if (Array.isArray(schema['source'])) parts.push(`[${(schema['source'] as string[]).join('; ')}]`);
    return parts.join(', ');
  }
  if (schema['minLength'] !== undefined || schema['maxLength'] !== undefined) {
    parts.push(`length ${schema['minLength'] ?? 0}..${schema['maxLength'] ?? '∞'}`);
  }
  if (schema['pattern'] !== undefined) parts.push(`pattern \`${schema['pattern']}\``);
  if (schema['minimum'] !== undefined) parts.push(`≥ ${schema['minimum']}`);
  if (schema['maximum'] !== undefined) parts.push(`≤ ${schema['maximum']}`);
  if (schema['minItems'] !== undefined) parts.push(`≥ ${schema['minItems']} items`);
  if (schema['maxItems'] !== undefined) parts.push(`≤ ${schema['maxItems']} items`);
  if (Array.isArray(schema['examples'])) {
    parts.push(
      `known values ${(schema['examples'] as unknown[]).map((v) => `\`${v}\``).join(', ')}, others accepted`,
    );
  }
  if (Array.isArray(schema['source'])) parts.push(`[${(schema['source'] as string[]).join('; ')}]`);
  return parts.join(', ');
}

/** One row per field, nested members as JSON pointers (`/payee_info/account_type`). */
function fieldRows(schema: Json, prefix = ''): string[] {
  const properties = (schema['properties'] ?? {}) as Record<string, Json>;
  const required = new Set((schema['required'] ?? []) as string[]);
  return Object.entries(properties).flatMap(([name, property]) => {
    const pointer = `${prefix}/${name}`;
    const row = `| \`${pointer}\` | ${cell(typeOf(property))} | ${required.has(name) ? 'R' : 'O'} | ${cell(constraints(property))} | ${cell(property['description'])} |`;
    const items = property['items'] as Json | undefined;
    const nested =
      property['type'] === 'object' ? property : items?.['type'] === 'object' ? items : undefined;
    const nestedPrefix = property['type'] === 'object' ? pointer : `${pointer}/*`;
    return [row, ...(nested ? fieldRows(nested, nestedPrefix) : [])];
  });
}

function fieldTable(title: string, schema: unknown): string[] {
  if (schema === undefined) return [];
  const json = plain(schema);
  const alternatives = Array.isArray(json['anyOf']) ? (json['anyOf'] as Json[]) : [json];
  return alternatives.flatMap((alternative) => [
    alternatives.length > 1 ? `${title}, one of: ${cell(alternative['description'])}` : `${title}:`,
    '',
    '| field | type | R/O | constraints | description |',
    '|---|---|---|---|---|',
    ...fieldRows(alternative),
    '',
  ]);
}

function operationSection(operation: OperationSpec): string[] {
  const rate = operation.rateLimit;
  const lines = [
    `### \`${operation.name}\``,
    '',
    `${operation.summary}. ${operation.description}`,
    '',
    `- \`${operation.method} ${operation.path}\``,
    `- role: \`${operation.role}\`; rate limit ${rate.perSecond}/s per merchant, 429 \`${rate.code}\` (${rate.source})`,
  ];
  if (operation.docs) lines.push(`- official page: ${operation.docs}`);
  if (operation.wechatpaySerial) lines.push(`- \`Wechatpay-Serial\`: ${operation.wechatpaySerial}`);
  if (operation.sensitive?.request) {
    lines.push(
      `- encrypted request fields: ${operation.sensitive.request.map((p) => `\`${p}\``).join(', ')}`,
    );
  }
  if (operation.sensitive?.response) {
    lines.push(
      `- encrypted response fields: ${operation.sensitive.response.map((p) => `\`${p}\``).join(', ')}`,
    );
  }
  for (const rule of crossFieldRules[operation.name] ?? [])
    lines.push(`- rule (${rule.kind}): ${rule.issue} [${rule.source.join('; ')}]`);
  lines.push('');
  lines.push(...fieldTable('Path parameters', operation.params));
  lines.push(...fieldTable('Query parameters', operation.query));
  lines.push(...(operation.body ? fieldTable('Body', operation.body) : ['No request body.', '']));
  lines.push(
    ...(operation.response ? fieldTable('Response 200', operation.response) : ['Response 204.', '']),
  );
  lines.push('Errors:', '', '| status | code | description | source |', '|---|---|---|---|');
  for (const error of operation.errors) {
    lines.push(`| ${error.status} | \`${error.code}\` | ${cell(error.description)} | ${error.source} |`);
  }
  lines.push('');
  return lines;
}

/** The operation reference (docs/catalogue.md), rendered from the catalogue rows. */
export function toMarkdownReference(): string {
  const lines = [
    '# Endpoint catalogue',
    '',
    '<!-- Generated from packages/sdk/src/catalogue by `npm run openapi`; edit the rows, not this file. -->',
    '',
    'Each operation is one row in `packages/sdk/src/catalogue/<family>.ts`. The SDK method, the emulator handler,',
    'this page and `packages/sdk/openapi.json` are all derived from those rows. Request objects reject unknown',
    'members; response objects allow them. `source: assumed` marks a reasoned choice where the official page is',
    'silent. Every request constraint beyond required and type names its source in brackets: a seed page',
    '(`seed 004`), an official page by id (`DOC 4015469131`, pay.weixin.qq.com/doc/v3/…/<id>) or by address.',
    'Response schemas are types only: nothing checks a response against them at run time.',
    '',
    '| operation | method | path | role | rate/s |',
    '|---|---|---|---|---|',
    ...operationList.map(
      (o) => `| \`${o.name}\` | ${o.method} | \`${o.path}\` | ${o.role} | ${o.rateLimit.perSecond} |`,
    ),
    '',
  ];
  for (const family of [...new Set(operationList.map((o) => o.family))]) {
    lines.push(`## ${family}`, '');
    for (const operation of operationList.filter((o) => o.family === family)) {
      lines.push(...operationSection(operation));
    }
  }
  lines.push('## Notifications', '');
  for (const spec of notificationList) {
    const total = spec.retrySchedule.reduce((sum, delay) => sum + delay, 0);
    lines.push(
      `### ${spec.family}`,
      '',
      `- event types: ${spec.eventTypes.map((t) => `\`${t}\``).join(', ')}`,
      `- \`original_type\` / \`associated_data\`: \`${spec.originalType}\` / \`${spec.associatedData}\``,
      `- retry schedule (${spec.retryScheduleSource}): ${spec.retrySchedule.length} attempts over ${total} s; ` +
        `delays ${spec.retrySchedule.join(', ')}`,
      '',
      ...fieldTable('Plaintext resource', spec.resource),
    );
  }
  lines.push(
    'Cancel-withdraw applications send no notification (none confirmed); poll the query operations.',
    '',
  );
  return lines.join('\n');
}
