import {
  COMMON_ERRORS,
  type FamilyName,
  isOperationName,
  type MerchantRole,
  type OperationInput,
  type OperationOutput,
  OUT_NO_PATTERN,
  operationList,
  operationNames,
  operations,
  RFC3339_PATTERN,
  type TransferSceneId,
} from '@wxpay-kit/sdk/catalogue';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { objectSchemas, propertySchemas, schemaAt } from './schema-walk.js';
import { seedPages } from './seed-pages.js';

const ROLES: MerchantRole[] = ['merchant', 'serviceProvider', 'platform'];
const FAMILIES: FamilyName[] = ['authorizations', 'transferBills', 'recharges', 'cancelWithdraws'];
const EXPECTED_NAMES = [
  'authorizations.apply',
  'authorizations.get',
  'authorizations.close',
  'transferBills.create',
  'transferBills.get',
  'transferBills.cancel',
  'recharges.apply',
  'recharges.get',
  'recharges.close',
  'cancelWithdraws.validate',
  'cancelWithdraws.apply',
  'cancelWithdraws.get',
  'cancelWithdraws.getByApplymentId',
  'cancelWithdraws.confirm',
];

function placeholders(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

function topLevelFields(schema: unknown): string[] {
  return Object.keys(((schema as { properties?: object } | undefined)?.properties ?? {}) as object);
}

describe('catalogue operations', () => {
  it('lists exactly the 14 operations under their binding names', () => {
    expect(operationNames.sort()).toEqual([...EXPECTED_NAMES].sort());
    expect(isOperationName('transferBills.cancel')).toBe(true);
    expect(isOperationName('transferBills.refund')).toBe(false);
    expect(isOperationName('toString')).toBe(false);
  });

  describe.each(operationList.map((operation) => [operation.name, operation] as const))(
    '%s',
    (name, operation) => {
      it('is keyed by its name, which is family.verb', () => {
        expect(operations[name as keyof typeof operations]).toBe(operation);
        expect(name).toBe(`${operation.family}.${operation.verb}`);
        expect(FAMILIES).toContain(operation.family);
        expect(ROLES).toContain(operation.role);
        expect(['GET', 'POST']).toContain(operation.method);
        expect(operation.summary.length).toBeGreaterThan(0);
        expect(operation.description.length).toBeGreaterThan(0);
        if (operation.docs) expect(operation.docs).toMatch(/^https:\/\/pay\.weixin\.qq\.com\//);
      });

      it('declares a params property for every path placeholder and vice versa', () => {
        expect(operation.path).toMatch(/^\/v3\//);
        expect(topLevelFields(operation.params).sort()).toEqual(placeholders(operation.path).sort());
        for (const param of topLevelFields(operation.params)) {
          expect((operation.params?.required ?? []) as string[]).toContain(param);
        }
      });

      it('uses each field name in one request part only', () => {
        const fields = [
          ...topLevelFields(operation.params),
          ...topLevelFields(operation.query),
          ...topLevelFields(operation.body),
        ];
        expect(new Set(fields).size).toBe(fields.length);
        if (operation.method === 'GET') expect(operation.body).toBeUndefined();
      });

      it('has strict request objects at every level and open response objects', () => {
        for (const part of [operation.params, operation.query, operation.body]) {
          for (const { pointer, schema } of objectSchemas(part)) {
            expect(schema['additionalProperties'], `request object ${pointer || '/'}`).toBe(false);
          }
        }
        for (const { pointer, schema } of objectSchemas(operation.response)) {
          expect(schema['additionalProperties'], `response object ${pointer || '/'}`).not.toBe(false);
        }
      });

      it('describes every field', () => {
        for (const part of [operation.params, operation.query, operation.body, operation.response]) {
          for (const { pointer, schema } of propertySchemas(part)) {
            expect(typeof schema['description'], `description of ${pointer}`).toBe('string');
          }
        }
      });

      it('restricts the characters of an out-number only where its page does, and times to RFC 3339', () => {
        for (const part of [operation.params, operation.query, operation.body]) {
          for (const { pointer, name, schema } of propertySchemas(part)) {
            // 只能由数字、大小写字母组成 (out_bill_no, out_recharge_no) / 必须仅包含大小写字母与数字 (out_request_no);
            // the authorization pages say nothing of out_authorization_no's characters.
            if (/^out_(bill|recharge|request)_no$/.test(name)) {
              expect(schema['pattern'], pointer).toBe(OUT_NO_PATTERN);
              expect(schema['maxLength'], pointer).toBeGreaterThanOrEqual(32);
            }
            if (name === 'out_authorization_no') expect(schema['pattern'], pointer).toBeUndefined();
            if (name.endsWith('mchid')) expect(schema['pattern'], pointer).toBeUndefined();
            if (name.endsWith('_time')) expect(schema['pattern'], pointer).toBe(RFC3339_PATTERN);
          }
        }
      });

      it('documents its errors, including the common ones and its 429 code', () => {
        const codes = operation.errors.map((e) => e.code);
        expect(new Set(codes).size).toBe(codes.length);
        for (const common of COMMON_ERRORS) expect(operation.errors).toContainEqual(common);
        for (const error of operation.errors) {
          expect(error.status).toBeGreaterThanOrEqual(400);
          expect(error.status).toBeLessThan(600);
          expect(error.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
          expect(error.description.length).toBeGreaterThan(0);
          expect(['documented', 'assumed']).toContain(error.source);
        }
        expect(Number.isInteger(operation.rateLimit.perSecond)).toBe(true);
        expect(operation.rateLimit.perSecond).toBeGreaterThan(0);
        expect(operation.errors).toContainEqual(
          expect.objectContaining({ status: 429, code: operation.rateLimit.code }),
        );
      });

      it('points its sensitive fields at string fields and asks for Wechatpay-Serial when it encrypts', () => {
        for (const pointer of operation.sensitive?.request ?? []) {
          expect(schemaAt(operation.body, pointer)?.['type'], pointer).toBe('string');
          expect(schemaAt(operation.body, pointer)?.['pattern'], pointer).toBeUndefined();
        }
        for (const pointer of operation.sensitive?.response ?? []) {
          expect(schemaAt(operation.response, pointer)?.['type'], pointer).toBe('string');
        }
        const encrypts = (operation.sensitive?.request?.length ?? 0) > 0;
        expect(operation.wechatpaySerial === 'required').toBe(encrypts);
      });
    },
  );

  it.each(seedPages.map((page) => [page.operation, page] as const))(
    '%s lists every error of its official page with the documented status',
    (name, page) => {
      const operation = operations[name as keyof typeof operations];
      expect(operation.method).toBe(page.method);
      for (const row of page.errors) {
        expect(operation.errors).toContainEqual({ ...row, source: 'documented' });
      }
      const documented = operation.errors.filter((e) => e.source === 'documented');
      expect(documented).toHaveLength(page.errors.length);
    },
  );

  it('records the role and rates the pages state', () => {
    expect(operations['authorizations.apply'].rateLimit).toEqual({
      perSecond: 50,
      code: 'RATELIMIT_EXCEEDED',
      source: 'documented',
    });
    expect(operations['authorizations.get'].rateLimit.perSecond).toBe(100);
    expect(operations['authorizations.close'].rateLimit.perSecond).toBe(50);
    expect(operations['transferBills.cancel'].rateLimit.perSecond).toBe(100);
    expect(operations['recharges.close'].rateLimit.code).toBe('FREQUENCY_LIMITED');
    expect(operations['transferBills.get'].rateLimit.code).toBe('FREQUENCY_LIMITED');
    for (const name of ['recharges.apply', 'recharges.get', 'recharges.close'] as const) {
      expect(operations[name].rateLimit.source).toBe('assumed');
      expect(operations[name].role).toBe('platform');
    }
    expect(operationList.filter((o) => o.family === 'transferBills').map((o) => o.role)).toEqual([
      'serviceProvider',
      'serviceProvider',
      'serviceProvider',
    ]);
    expect(operations['recharges.close'].body).toBeUndefined();
    expect(operations['authorizations.close'].body).toBeUndefined();
    expect(topLevelFields(operations['recharges.close'].query)).toEqual(['sub_mchid']);
  });

  it('keeps literal types for the flat input and output of each operation', () => {
    const cancel: OperationInput<'transferBills.cancel'> = {
      out_bill_no: 'plfk2020042013',
      sub_mchid: '1900001121',
    };
    const close: OperationInput<'recharges.close'> = {
      out_recharge_no: 'cz2020042013',
      sub_mchid: '1900001121',
    };
    // sub_mchid is 选填 on the partner query page
    const withoutSubMchid: OperationInput<'transferBills.get'> = { out_bill_no: 'plfk2020042013' };
    // @ts-expect-error sub_mchid is required on the recharge pages
    const missing: OperationInput<'recharges.get'> = { out_recharge_no: 'cz2020042013' };
    expectTypeOf<OperationOutput<'transferBills.cancel'>['state']>().toEqualTypeOf<
      | 'ACCEPTED'
      | 'PROCESSING'
      | 'WAIT_USER_CONFIRM'
      | 'TRANSFERING'
      | 'SUCCESS'
      | 'FAIL'
      | 'CANCELING'
      | 'CANCELLED'
    >();
    // Known scenes are suggestions the editor offers; any other string(36) is still accepted.
    expectTypeOf<
      OperationInput<'transferBills.create'>['transfer_scene_id']
    >().toEqualTypeOf<TransferSceneId>();
    expectTypeOf<'1000'>().toExtend<OperationInput<'authorizations.apply'>['transfer_scene_id']>();
    expectTypeOf<'2001'>().toExtend<OperationInput<'authorizations.apply'>['transfer_scene_id']>();
    expectTypeOf<OperationInput<'recharges.apply'>['recharge_amount']['currency']>().toEqualTypeOf<
      'CNY' | (string & {}) | undefined
    >();
    expectTypeOf<OperationInput<'transferBills.create'>['transfer_amount']>().toEqualTypeOf<number>();
    expectTypeOf<OperationInput<'cancelWithdraws.confirm'>['applyment_id']>().toEqualTypeOf<
      string | undefined
    >();
    expectTypeOf(operations['transferBills.cancel'].method).toEqualTypeOf<'GET' | 'POST'>();
    expect([cancel, close, withoutSubMchid, missing]).toHaveLength(4);
  });
});
