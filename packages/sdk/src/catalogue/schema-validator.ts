import type { TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';

/** Compiled once per schema object: catalogue rows are module constants, so this caches per operation part. */
const validators = new WeakMap<TSchema, Validator>();

/**
 * The compiled TypeBox validator of a catalogue schema (`Check`, `Errors`), built on first use and kept. The SDK
 * checks requests with it and the emulator checks what it receives, so both judge a request by one compiled
 * schema, and neither loads the TypeBox compiler a second time.
 */
export function schemaValidator(schema: TSchema): Validator {
  let validator = validators.get(schema);
  if (!validator) {
    validator = Compile(schema) as unknown as Validator;
    validators.set(schema, validator);
  }
  return validator;
}
