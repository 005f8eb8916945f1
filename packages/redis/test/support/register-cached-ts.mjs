// `node --import ./register-cached-ts.mjs worker.ts`: runs TypeScript test workers (see cached-ts-hooks.mjs).
import { register } from 'node:module';

register('./cached-ts-hooks.mjs', import.meta.url);
