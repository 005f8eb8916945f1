// The last build step, after `tsc -p packages/<name>/tsconfig.build.json` has written each package's dist/esm.
//
// One implementation per package: the ES modules in dist/esm (for the SDK, their bundle: scripts/bundle-sdk.mjs). `import` and `require` both load them (Node.js
// loads ES modules from require() since 20.19 and 22.12), so an error the SDK throws is `instanceof` the class
// a consumer imported either way (no dual-package hazard).
//
// For every workspace package whose `exports` give `require` its own types, this script writes dist/cjs: the
// same declarations under a package.json that says "type": "commonjs". TypeScript then reads them as
// CommonJS, so a CommonJS consumer (`moduleResolution` node16/nodenext, or node10 through `types` and
// `typesVersions`) does not get TS1479 for requiring an ES module.
//
// It also deletes outputs in dist/esm whose source file is gone (incremental tsc never does), and source maps
// that no output names any more (left by a build made before `sourceMap` was turned off), so `npm pack` ships
// nothing stale.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

/** `dist/esm/a/b.d.ts` → `src/a/b.ts`; undefined for files tsc does not derive from one source. */
function sourceOf(pkg, output) {
  const match = /^(.*?)(\.d\.ts|\.js|\.js\.map|\.d\.ts\.map)$/.exec(
    relative(join(pkg, 'dist', 'esm'), output),
  );
  return match ? join(pkg, 'src', `${match[1]}.ts`) : undefined;
}

/** `a.js.map` is current only while `a.js` ends by naming it (tsc writes that comment only with maps on). */
function isOrphanMap(output) {
  if (!output.endsWith('.map')) return false;
  const generated = output.slice(0, -'.map'.length);
  const named = `//# sourceMappingURL=${basename(output)}`;
  return !existsSync(generated) || !readFileSync(generated, 'utf8').includes(named);
}

function pruneStale(pkg) {
  let pruned = 0;
  for (const output of files(join(pkg, 'dist', 'esm'))) {
    const source = sourceOf(pkg, output);
    if ((source && !existsSync(source)) || isOrphanMap(output)) {
      rmSync(output);
      pruned++;
    }
  }
  return pruned;
}

// Packages that ship only ES modules: from CommonJS declarations TypeScript reaches them through type-only
// imports that carry `resolution-mode: "import"` (TS >= 5.3).
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

function writeCommonJsView(pkg) {
  const esm = join(pkg, 'dist', 'esm');
  const out = join(pkg, 'dist', 'cjs');
  rmSync(out, { recursive: true, force: true });
  let count = 0;
  for (const file of files(esm)) {
    if (!file.endsWith('.d.ts')) continue;
    const target = join(out, relative(esm, file));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, forCommonJs(readFileSync(file, 'utf8')));
    count++;
  }
  writeFileSync(join(out, 'package.json'), '{"type":"commonjs"}\n');
  return count;
}

const wantsCommonJsTypes = (exports) =>
  JSON.stringify(exports ?? {}).includes('"require":{"types":"./dist/cjs/');

const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const workspace of workspaces) {
  const pkg = join(root, workspace);
  if (!existsSync(join(pkg, 'dist', 'esm'))) continue;
  const { name, exports } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  const pruned = pruneStale(pkg);
  const declarations = wantsCommonJsTypes(exports) ? writeCommonJsView(pkg) : 0;
  console.log(`${name}: ${declarations} CommonJS declarations, ${pruned} stale outputs removed`);
}
