// The SDK ships ESM and CJS. The ESM tree and the type declarations come from `tsc`; the CJS tree is a
// file-by-file transpile of the same sources (no type resolution needed, and `require('typebox')` works on
// Node >= 20.19, which loads ES modules from require()). The declarations are copied beside the CJS files:
// under dist/cjs/package.json ("type": "commonjs") TypeScript reads them as CommonJS, so a CommonJS consumer
// does not get TS1479 for importing an ES module.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const sdk = fileURLToPath(new URL('../packages/sdk/', import.meta.url));
const src = join(sdk, 'src');
const out = join(sdk, 'dist', 'cjs');

function* sources(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) yield path;
  }
}

let count = 0;
for (const file of sources(src)) {
  const { outputText, diagnostics } = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
  });
  if (diagnostics?.length) {
    throw new Error(`${file}: ${ts.flattenDiagnosticMessageText(diagnostics[0].messageText, '\n')}`);
  }
  const target = join(out, relative(src, file)).replace(/\.ts$/, '.js');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, outputText);
  count++;
}
const esm = join(sdk, 'dist', 'esm');
function* declarations(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* declarations(path);
    else if (name.endsWith('.d.ts')) yield path;
  }
}
// typebox ships only ES modules; from CommonJS declarations TypeScript reaches them through type-only imports
// that carry `resolution-mode: "import"` (TS >= 5.3).
const ESM_ONLY = /^typebox(\/|$)/;
const MODE = '{ "resolution-mode": "import" }';
function forCommonJs(text) {
  return text
    .replace(
      /^import (type )?(\w+)?(?:, )?(\{[^}]*\})? from '([^']+)';$/gm,
      (line, _type, name, names, from) => {
        if (!ESM_ONLY.test(from)) return line;
        const named = names?.replace(/\btype /g, '').trim();
        const parts = [];
        if (name) parts.push(`import type ${name} from '${from}' with ${MODE};`);
        if (named && named !== '{}') parts.push(`import type ${named} from '${from}' with ${MODE};`);
        return parts.join('\n');
      },
    )
    .replace(/import\("(typebox[^"]*)"\)/g, (_m, from) => `import("${from}", { with: ${MODE} })`);
}
for (const file of declarations(esm)) {
  const target = join(out, relative(esm, file));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, forCommonJs(readFileSync(file, 'utf8')));
}
writeFileSync(join(out, 'package.json'), '{"type":"commonjs"}\n');
console.log(`sdk: wrote ${count} CommonJS files to ${relative(process.cwd(), out)}`);
