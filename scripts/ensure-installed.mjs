// Lets `npm start` and `npm test` work as the first command on a fresh clone:
// installs the locked dependencies when node_modules is missing or older than the lockfile.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const marker = `${root}node_modules/.package-lock.json`;
const lock = `${root}package-lock.json`;
const stale =
  !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000);
if (stale) {
  // npm is quiet while it works, and better-sqlite3 may compile SQLite from source when no prebuilt binary fits:
  // say what is going on so the first command on a fresh clone does not look stuck.
  console.log(
    [
      'wxpay-kit: first run: installing the locked dependencies (npm ci).',
      '  This takes about 1–2 minutes, longer when better-sqlite3 has to compile SQLite for this Node.js version;',
      '  npm prints little until it is done. Later runs skip this step.',
    ].join('\n'),
  );
  const started = Date.now();
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
  console.log(`wxpay-kit: dependencies installed in ${Math.round((Date.now() - started) / 1000)} s.`);
}
