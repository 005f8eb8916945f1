import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../src/catalogue/index.js';

// What a user installs: the built package, reached through its `exports` from CommonJS and from ESM,
// with type declarations that type-check in both module kinds (skipLibCheck off).
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
let consumer: string;

function makeConsumer(type: 'commonjs' | 'module'): string {
  const dir = join(consumer, type);
  mkdirSync(join(dir, 'node_modules', '@wxpay-kit'), { recursive: true });
  mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(join(root, 'packages', 'sdk'), join(dir, 'node_modules', '@wxpay-kit', 'sdk'));
  symlinkSync(join(root, 'node_modules', 'typebox'), join(dir, 'node_modules', 'typebox'));
  symlinkSync(join(root, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${type}`, type }));
  cpSync(fileURLToPath(new URL('consumer-fixture.ts.txt', import.meta.url)), join(dir, 'index.ts'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'node16',
        moduleResolution: 'node16',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
      },
      files: ['index.ts'],
    }),
  );
  return dir;
}

beforeAll(() => {
  execFileSync(bin('tsc'), ['-p', join(root, 'packages/sdk/tsconfig.build.json')], { cwd: root });
  execFileSync(process.execPath, [join(root, 'scripts/build-cjs.mjs')], { cwd: root });
  consumer = mkdtempSync(join(tmpdir(), 'wxpay-sdk-consumer-'));
}, 120_000);
afterAll(() => rmSync(consumer, { recursive: true, force: true }));

describe('@wxpay-kit/sdk as installed', () => {
  it.each(['commonjs', 'module'] as const)('loads and type-checks from a %s consumer', (type) => {
    const dir = makeConsumer(type);
    const load =
      type === 'commonjs'
        ? "const s = require('@wxpay-kit/sdk'); const c = require('@wxpay-kit/sdk/catalogue');"
        : "const s = await import('@wxpay-kit/sdk'); const c = await import('@wxpay-kit/sdk/catalogue');";
    const out = execFileSync(
      process.execPath,
      [
        ...(type === 'module' ? ['--input-type=module'] : []),
        '-e',
        `${load} console.log(typeof s.WechatPay, typeof s.WechatPayApiError, Object.keys(c.operations).length)`,
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(out.trim()).toBe(`function function ${Object.keys(operations).length}`);
    // Throws (with tsc's diagnostics) if the declarations do not type-check for this module kind.
    execFileSync(bin('tsc'), ['-p', dir], { cwd: dir, encoding: 'utf8' });
  });
});
