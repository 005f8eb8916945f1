import { readFileSync } from 'node:fs';
import { operationList, toOpenApi } from '@wxpay-kit/sdk/catalogue';
import { describe, expect, it } from 'vitest';
import {
  OPENAPI_FILE,
  REFERENCE_FILE,
  renderOpenApiFile,
  renderReferenceFile,
} from '../../scripts/write-openapi.js';

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function resolvePointer(document: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let current: unknown = document;
  for (const raw of ref.slice(2).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, token)) return undefined;
    current = (current as Json)[token];
  }
  return current;
}

function collectRefs(node: unknown, at = '#'): { at: string; ref: string }[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => collectRefs(item, `${at}/${i}`));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [{ at, ref: value }] : collectRefs(value, `${at}/${key}`),
  );
}

/** The structural rules of OpenAPI 3.1 that a document generator can get wrong; returns the problems. */
function validateOpenApi31(document: Json): string[] {
  const problems: string[] = [];
  const problem = (text: string) => problems.push(text);
  if (typeof document['openapi'] !== 'string' || !/^3\.1\.\d+$/.test(document['openapi']))
    problem('openapi is not 3.1.x');
  const info = document['info'] as Json | undefined;
  if (typeof info?.['title'] !== 'string' || typeof info?.['version'] !== 'string')
    problem('info needs title and version');
  for (const server of (document['servers'] ?? []) as Json[]) {
    if (typeof server['url'] !== 'string') problem('server without url');
  }
  const paths = document['paths'] as Record<string, Json> | undefined;
  if (!paths || typeof paths !== 'object') problem('paths missing');
  const operationIds = new Set<string>();
  const schemes = ((document['components'] as Json | undefined)?.['securitySchemes'] ?? {}) as Json;
  for (const requirement of (document['security'] ?? []) as Json[]) {
    for (const name of Object.keys(requirement))
      if (!Object.hasOwn(schemes, name)) problem(`unknown security ${name}`);
  }
  for (const [path, item] of Object.entries(paths ?? {})) {
    if (!path.startsWith('/')) problem(`path ${path} must start with /`);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const method of Object.keys(item)) {
      if (!METHODS.includes(method)) problem(`${path}: unknown key ${method}`);
    }
    for (const method of METHODS.filter((m) => item[m])) {
      const operation = item[method] as Json;
      const where = `${method.toUpperCase()} ${path}`;
      const id = operation['operationId'];
      if (typeof id !== 'string') problem(`${where}: operationId missing`);
      else if (operationIds.has(id)) problem(`${where}: duplicate operationId ${id}`);
      else operationIds.add(id);
      const responses = operation['responses'] as Record<string, Json> | undefined;
      if (!responses || Object.keys(responses).length === 0) problem(`${where}: responses missing`);
      for (const [status, response] of Object.entries(responses ?? {})) {
        if (!/^([1-5][0-9]{2}|[1-5]XX|default)$/.test(status)) problem(`${where}: bad status key ${status}`);
        if (typeof response['description'] !== 'string') problem(`${where} ${status}: description missing`);
      }
      const parameters = (operation['parameters'] ?? []) as Json[];
      const seen = new Set<string>();
      for (const parameter of parameters) {
        const key = `${parameter['in']}:${parameter['name']}`;
        if (seen.has(key)) problem(`${where}: duplicate parameter ${key}`);
        seen.add(key);
        if (!['path', 'query', 'header', 'cookie'].includes(parameter['in'] as string))
          problem(`${where}: bad in`);
        if (!parameter['schema'] && !parameter['content'])
          problem(`${where}: parameter ${key} without schema`);
        if (parameter['in'] === 'path') {
          if (parameter['required'] !== true) problem(`${where}: path parameter ${key} must be required`);
          if (!templated.includes(parameter['name'] as string)) problem(`${where}: ${key} not in the path`);
        }
      }
      for (const name of templated) {
        if (!seen.has(`path:${name}`)) problem(`${where}: path parameter ${name} not declared`);
      }
      const body = operation['requestBody'] as Json | undefined;
      if (body && typeof body['content'] !== 'object') problem(`${where}: requestBody without content`);
    }
  }
  for (const { at, ref } of collectRefs(document)) {
    if (resolvePointer(document, ref) === undefined) problem(`${at}: unresolved $ref ${ref}`);
  }
  return problems;
}

describe('toOpenApi', () => {
  const document = toOpenApi();

  it('is a structurally valid OpenAPI 3.1 document', () => {
    expect(validateOpenApi31(document)).toEqual([]);
  });

  it('the validator catches the mistakes it is meant to catch', () => {
    const broken = structuredClone(document);
    broken['openapi'] = '3.0.3';
    const paths = broken['paths'] as Record<string, Record<string, Json>>;
    const close =
      paths['/v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close']!['post']!;
    close['parameters'] = (close['parameters'] as Json[]).filter((p) => p['in'] !== 'path');
    delete close['operationId'];
    (close['responses'] as Json)['404'] = { $ref: '#/components/responses/Missing' };
    expect(validateOpenApi31(broken)).toEqual([
      'openapi is not 3.1.x',
      'POST /v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close: operationId missing',
      'POST /v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close 404: description missing',
      'POST /v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close: path parameter out_recharge_no not declared',
      `#/paths/${'/v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close'}/post/responses/404: ` +
        'unresolved $ref #/components/responses/Missing',
    ]);
  });

  it('covers all 25 operations by operationId with their method and path', () => {
    const paths = document['paths'] as Record<string, Record<string, Json>>;
    const found = Object.entries(paths).flatMap(([path, item]) =>
      Object.entries(item).map(
        ([method, operation]) => `${operation['operationId']} ${method.toUpperCase()} ${path}`,
      ),
    );
    expect(found.sort()).toEqual(operationList.map((o) => `${o.name} ${o.method} ${o.path}`).sort());
    expect(found).toHaveLength(25);
  });

  it('transferBills.partnerCreate: carries body, extensions, serial header and documented errors', () => {
    const create = (document['paths'] as Record<string, Record<string, Json>>)[
      '/v3/fund-app/mch-transfer/partner/transfer-bills'
    ]!['post']!;
    expect(create['x-merchant-role']).toBe('serviceProvider');
    expect(create['x-rate-limit']).toEqual({
      perSecond: 100,
      code: 'FREQUENCY_LIMIT_EXCEED',
      source: 'documented',
    });
    expect(create['x-wechatpay-serial']).toBe('required');
    expect(create['parameters']).toContainEqual(
      expect.objectContaining({ in: 'header', name: 'Wechatpay-Serial', required: true }),
    );
    const schema = ((create['requestBody'] as Json)['content'] as Record<string, Json>)['application/json']![
      'schema'
    ] as Json;
    expect(schema['additionalProperties']).toBe(false);
    expect(Object.getOwnPropertySymbols(schema)).toEqual([]);
    const responses = create['responses'] as Record<string, Json>;
    expect(Object.keys(responses).sort()).toEqual(['200', '400', '401', '403', '429', '500']);
    expect(JSON.stringify(responses['429'])).toContain('FREQUENCY_LIMIT_EXCEED');
  });

  it('recharges.close: sub_mchid is a required query parameter and there is no request body', () => {
    const close = (document['paths'] as Record<string, Record<string, Json>>)[
      '/v3/platsolution/ecommerce/recharges/out-recharge-no/{out_recharge_no}/close'
    ]!['post']!;
    expect(close['requestBody']).toBeUndefined();
    expect(close['parameters']).toContainEqual(
      expect.objectContaining({ in: 'query', name: 'sub_mchid', required: true }),
    );
  });

  it('lists the primary and backup servers and the Authorization scheme', () => {
    expect((document['servers'] as Json[]).map((s) => s['url'])).toEqual([
      'https://api.mch.weixin.qq.com',
      'https://api2.mch.weixin.qq.com',
    ]);
    const scheme = ((document['components'] as Json)['securitySchemes'] as Record<string, Json>)[
      'WechatPay2'
    ];
    expect(scheme).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
    expect(scheme?.['description']).toContain('WECHATPAY2-SHA256-RSA2048');
  });

  it('packages/sdk/openapi.json and docs/catalogue.md are up to date (run `npm run openapi`)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApiFile());
    expect(readFileSync(REFERENCE_FILE, 'utf8')).toBe(renderReferenceFile());
  });
});
