// `npm start [-- --port 0 …]`: installs dependencies if needed, builds when a source is newer than the build,
// then runs the emulator CLI with the given arguments.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import './ensure-installed.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'packages/emulator/dist/esm/cli.js');
// The build's last step (scripts/build-cjs.mjs) rewrites these on every complete build, whether or not tsc had
// anything to redo (a no-op incremental tsc leaves its build-info files untouched, so those cannot mark it).
const outputs = [
  'packages/sdk/dist/cjs/package.json',
  'packages/emulator/dist/cjs/package.json',
  'packages/sdk/dist/bundle/index.js',
].map((path) => join(root, path));
const inputs = [
  'packages/sdk/src',
  'packages/emulator/src',
  'packages/sdk/tsconfig.build.json',
  'scripts/build-cjs.mjs',
  'scripts/bundle-sdk.mjs',
  'packages/emulator/tsconfig.build.json',
  'packages/sdk/package.json',
  'packages/emulator/package.json',
  'tsconfig.base.json',
  'package-lock.json',
].map((path) => join(root, path));

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

const builtAt = Math.min(...outputs.map((path) => (existsSync(path) ? statSync(path).mtimeMs : 0)));
if (builtAt === 0 || !existsSync(cli) || Math.max(...inputs.map(newest)) > builtAt) {
  console.log(
    builtAt === 0
      ? 'wxpay-kit: compiling the SDK and the emulator (npm run build, about 20–60 s the first time)…'
      : 'wxpay-kit: sources changed since the last build: compiling again (npm run build)…',
  );
  const started = Date.now();
  execSync('npm run build', { cwd: root, stdio: 'inherit' });
  // tsc leaves the build info of a project it found up to date untouched (the SDK, when only the emulator changed):
  // mark every output as built now, or the next start would build again, and again.
  const now = new Date();
  for (const path of outputs) if (existsSync(path)) utimesSync(path, now, now);
  console.log(`wxpay-kit: built in ${Math.round((Date.now() - started) / 1000)} s; starting the emulator…`);
}

await import(pathToFileURL(cli).href);
