/**
 * Writes packages/sdk/openapi.json and docs/catalogue.md from the catalogue rows.
 * Run: `node --conditions=wxpay-kit-source --import ./packages/sdk/scripts/register-ts.mjs
 * packages/sdk/scripts/write-openapi.ts` (the tests fail when either file is stale).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toMarkdownReference, toOpenApi } from '../src/catalogue/index.js';

export const OPENAPI_FILE = fileURLToPath(new URL('../openapi.json', import.meta.url));
export const REFERENCE_FILE = fileURLToPath(new URL('../../../docs/catalogue.md', import.meta.url));

export function renderOpenApiFile(): string {
  return `${JSON.stringify(toOpenApi(), null, 2)}\n`;
}

export function renderReferenceFile(): string {
  return toMarkdownReference();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(OPENAPI_FILE, renderOpenApiFile());
  writeFileSync(REFERENCE_FILE, renderReferenceFile());
  console.log(`wrote ${OPENAPI_FILE}\nwrote ${REFERENCE_FILE}`);
}
