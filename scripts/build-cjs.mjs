// The SDK ships ESM and CJS. tsc writes the CJS tree with a second config; this marks it as CommonJS.
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const sdk = fileURLToPath(new URL('../packages/sdk/', import.meta.url));
execSync('npx tsc -p tsconfig.cjs.json', { cwd: sdk, stdio: 'inherit' });
writeFileSync(`${sdk}dist/cjs/package.json`, '{"type":"commonjs"}\n');
