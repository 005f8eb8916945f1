// `node --import ./packages/sdk/scripts/register-ts.mjs some-script.ts` runs a TypeScript entry point.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
