let sequence = 0;
const run = Date.now().toString(36).toUpperCase();

/** A fresh merchant out-number (digits and letters only) for one test's resource; at most 32 characters. */
export function outNo(prefix: string): string {
  sequence += 1;
  const value = `${prefix}${run}N${sequence}`;
  if (value.length > 32 || !/^[0-9A-Za-z]+$/.test(value)) throw new Error(`outNo: unusable prefix ${prefix}`);
  return value;
}
