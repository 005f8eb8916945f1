// The SDK ships ESM and CJS. The ESM tree and the type declarations come from `tsc`; the CJS tree is a
// file-by-file transpile of the same sources (no type resolution needed, and `require('typebox')` works on
// Node >= 20.19, which loads ES modules from require()).
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
writeFileSync(join(out, 'package.json'), '{"type":"commonjs"}\n');
console.log(`sdk: wrote ${count} CommonJS files to ${relative(process.cwd(), out)}`);
