import {
  CONSTRAINT_KEYWORDS,
  CONSTRAINT_SOURCE_PATTERN,
  crossFieldRules,
  isOperationName,
  type OperationSpec,
  operationList,
} from '@wxpay-kit/sdk/catalogue';
import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { objectSchemas, schemaNodes } from './schema-walk.js';

const sourcePattern = new RegExp(CONSTRAINT_SOURCE_PATTERN);

/** Request constraints (beyond required and type) that name no well-formed source, as `pointer keyword`. */
function unsourced(schema: unknown): string[] {
  return schemaNodes(schema).flatMap(({ pointer, schema: node }) => {
    const keywords = CONSTRAINT_KEYWORDS.filter((keyword) => node[keyword] !== undefined);
    if (keywords.length === 0) return [];
    const source = node['source'];
    const named =
      Array.isArray(source) &&
      source.length > 0 &&
      source.every((entry) => typeof entry === 'string' && sourcePattern.test(entry));
    return named ? [] : keywords.map((keyword) => `${pointer || '/'} ${keyword}`);
  });
}

/** `minLength: 1` reads 必填; on an optional member it would refuse an empty string no page forbids. */
function nonEmptyOptionals(schema: unknown): string[] {
  return objectSchemas(schema).flatMap(({ pointer, schema: object }) => {
    const required = new Set((object['required'] ?? []) as string[]);
    return Object.entries((object['properties'] ?? {}) as Record<string, Record<string, unknown>>)
      .filter(([name, property]) => property['minLength'] !== undefined && !required.has(name))
      .map(([name]) => `${pointer}/${name}`);
  });
}

const requestParts = (operation: OperationSpec) => [operation.params, operation.query, operation.body];

describe('every request constraint names its source', () => {
  it.each(operationList.map((operation) => [operation.name, operation] as const))(
    '%s: each length, pattern, enum, bound and item count cites a seed or an official page',
    (_name, operation) => {
      for (const part of requestParts(operation)) {
        expect(unsourced(part)).toEqual([]);
        expect(nonEmptyOptionals(part)).toEqual([]);
      }
    },
  );

  it.each(Object.entries(crossFieldRules))('%s: each cross-field rule cites its page', (name, rules) => {
    expect(isOperationName(name)).toBe(true);
    for (const rule of rules) {
      expect(rule.source.length, rule.issue).toBeGreaterThan(0);
      for (const entry of rule.source) expect(entry, rule.issue).toMatch(sourcePattern);
    }
  });

  it('the check fails for a constraint without a source, or with a made-up one', () => {
    const schema = Type.Object({
      a: Type.String({ maxLength: 3 }),
      b: Type.String({ pattern: '^x$', source: ['somewhere'] }),
      c: Type.Array(Type.String(), { maxItems: 2, source: ['DOC 4013892756'] }),
      d: Type.Optional(Type.String({ minLength: 1, source: ['seed 002'] })),
      e: Type.Integer({ minimum: 1, source: ['seed 005'] }),
    });
    expect(unsourced(schema)).toEqual(['/a maxLength', '/b pattern', '/e minimum']);
    expect(nonEmptyOptionals(schema)).toEqual(['/d']);
  });

  it('accepts the three shapes of source', () => {
    for (const good of [
      'seed 000',
      'seed 004',
      'DOC 4015469131',
      'https://pay.weixin.qq.com/docs/partner/apis/platsolution-mch-recharge/recharge/apply.html',
    ]) {
      expect(good).toMatch(sourcePattern);
    }
    for (const bad of ['seed 5', 'DOC 12', 'YAML', 'https://example.com/doc', 'spec P2.2']) {
      expect(bad).not.toMatch(sourcePattern);
    }
  });
});
