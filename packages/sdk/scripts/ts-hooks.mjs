// Module hooks that let Node 20 run this repository's TypeScript sources without a build:
// `./x.js` specifiers fall back to `./x.ts`, and `.ts` files are transpiled (types erased) on load.
// Transpiled output is cached by content hash under node_modules/.cache, and TypeScript itself is loaded only on a
// cache miss: test suites start many processes from source (the CLIs), and each would otherwise pay for both.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const cacheDir = fileURLToPath(new URL('../../../node_modules/.cache/wxpay-kit-ts/', import.meta.url));
let typescript;

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:');
    if (!relative || !specifier.endsWith('.js') || error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
  }
}

async function transpile(url, source) {
  typescript ??= (await import('typescript')).default;
  const ts = typescript;
  return ts.transpileModule(source, {
    fileName: url,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      sourceMap: false,
      inlineSourceMap: true,
    },
  }).outputText;
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const source = await readFile(new URL(url), 'utf8');
  const key = createHash('sha256').update(url).update('\0').update(source).digest('hex');
  const cached = `${cacheDir}${key}.js`;
  let outputText;
  try {
    outputText = await readFile(cached, 'utf8');
  } catch {
    outputText = await transpile(url, source);
    // Written whole under a temporary name, then renamed: a concurrent reader never sees half a file.
    await mkdir(cacheDir, { recursive: true });
    const temporary = `${cached}.${process.pid}.tmp`;
    await writeFile(temporary, outputText);
    await rename(temporary, cached);
  }
  return { format: 'module', source: outputText, shortCircuit: true };
}
