// The SDK's TypeScript loader hooks, with the transpiled output cached on disk by content hash: a fleet of
// test processes then pays for transpiling the SDK once, not once per process.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cacheDir = join(tmpdir(), 'wxpay-kit-ts-cache');
mkdirSync(cacheDir, { recursive: true });

// The SDK's hooks import TypeScript itself (a second of CPU); load them only on a cache miss.
const sdkHooks = () => import('../../../sdk/scripts/ts-hooks.mjs');

/** As the SDK's: `./x.js` falls back to `./x.ts`. */
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:');
    if (!relative || !specifier.endsWith('.js') || error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const source = await readFile(new URL(url));
  const file = join(
    cacheDir,
    `${createHash('sha1').update(url).update('\0').update(source).digest('hex')}.js`,
  );
  try {
    return { format: 'module', source: readFileSync(file, 'utf8'), shortCircuit: true };
  } catch {}
  const result = await (await sdkHooks()).load(url, context, nextLoad);
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, result.source);
  renameSync(partial, file);
  return result;
}
