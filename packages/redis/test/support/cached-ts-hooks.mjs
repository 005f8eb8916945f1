// The SDK's TypeScript loader hooks, with the transpiled output cached on disk by content hash: a fleet of
// test processes then pays for transpiling the SDK once, not once per process.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { load as transpile } from '../../../sdk/scripts/ts-hooks.mjs';

// `./x.js` falls back to `./x.ts`, as in the SDK's hooks (which load TypeScript only when they transpile).
export { resolve } from '../../../sdk/scripts/ts-hooks.mjs';

const cacheDir = join(tmpdir(), 'wxpay-kit-ts-cache');
mkdirSync(cacheDir, { recursive: true });

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
  const result = await transpile(url, context, nextLoad);
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, result.source);
  renameSync(partial, file);
  return result;
}
