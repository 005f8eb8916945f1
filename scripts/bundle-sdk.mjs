// A build step after `tsc` and build-cjs.mjs: the SDK's JavaScript, bundled.
//
// Why: `import '@wxpay-kit/sdk'` from dist/esm loaded about 770 files, some 680 of them TypeBox's own small modules,
// and took 370–530 ms on the 2-core machine; the bundle is a few files and loads in about 35 ms. That cost was paid
// by every process that imports the SDK: a serverless cold start, each `wxpay-kit` command, each test file
// that starts an emulator.
//
// What: one ES module per entry point of package.json `exports` (., ./protocol, ./catalogue, ./testing) in
// dist/bundle, the code they share in chunks, so each class exists once however a consumer reaches it
// (`instanceof` holds across entry points, and for `import` and `require` alike, as before). TypeBox's code is
// included (only what the SDK uses); `typebox` stays a dependency for the declarations, which name its types, and
// for consumers that build on the catalogue's schemas (TypeBox 1.x schemas are plain objects, so any copy of it
// reads them). Node's built-in modules stay imports. No source maps: the bundle is readable JavaScript.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const sdk = fileURLToPath(new URL('../packages/sdk/', import.meta.url));
const entries = ['index', 'protocol/index', 'catalogue/index', 'testing/index'];

const outDir = join(sdk, 'dist', 'bundle');
rmSync(outDir, { recursive: true, force: true });
const bundle = await rolldown({
  input: Object.fromEntries(entries.map((entry) => [entry, join(sdk, 'dist', 'esm', `${entry}.js`)])),
  platform: 'node',
  logLevel: 'warn',
});
const { output } = await bundle.write({
  dir: outDir,
  format: 'esm',
  entryFileNames: '[name].js',
  chunkFileNames: 'chunks/[name]-[hash].js',
  sourcemap: false,
});
await bundle.close();
const bytes = output.reduce((sum, file) => sum + (file.type === 'chunk' ? file.code.length : 0), 0);
console.log(`@wxpay-kit/sdk: ${output.length} bundled files, ${Math.round(bytes / 1024)} KiB`);
