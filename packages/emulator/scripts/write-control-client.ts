/**
 * Writes src/control-client/actions.generated.ts, the types of `emulator.control.<family>.<action>`, from the
 * registered families' control actions. Run: `npm run control-client` (a test fails when the file is stale).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeControlActions, hasInferableMchid } from '../src/control/action-catalogue.js';
import { CONTROL_PREFIX } from '../src/control/index.js';
import { renderActionTypes } from '../src/control-client/render-action-types.js';
import { families } from '../src/families/registry.js';

export const GENERATED_FILE = fileURLToPath(
  new URL('../src/control-client/actions.generated.ts', import.meta.url),
);

export function renderGeneratedFile(): string {
  const inferable = new Set(families.filter(hasInferableMchid).map((family) => family.family));
  return renderActionTypes(describeControlActions(families, CONTROL_PREFIX), inferable);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(GENERATED_FILE, renderGeneratedFile());
  console.log(`wrote ${GENERATED_FILE}`);
}
