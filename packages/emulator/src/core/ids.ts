import type { Database } from '../families/family.js';
import type { Clock } from './clock.js';
import { formatTime } from './format-time.js';

export type NewId = (prefix: string, digits: number) => string;

/**
 * Ids shaped like WeChat Pay's (e.g. `2012` + `20250410` + sequence for an authorization_id): the prefix, the
 * virtual date in Beijing time when it fits, then a per-prefix sequence kept in `id_sequences`, so ids stay
 * unique across restarts. `digits` is the total length including the prefix.
 */
export function createIdGenerator(db: Database, clock: Clock): NewId {
  const next = db.prepare(
    `INSERT INTO id_sequences (prefix, value) VALUES (?, 1)
     ON CONFLICT (prefix) DO UPDATE SET value = value + 1
     RETURNING value`,
  );
  return (prefix, digits) => {
    if (!Number.isInteger(digits) || digits < 1) {
      throw new RangeError(`newId: digits must be a positive integer, got ${String(digits)}`);
    }
    const room = digits - prefix.length;
    const { value } = next.get(prefix) as { value: number };
    const date = formatTime(clock.now()).slice(0, 10).replaceAll('-', '');
    // Keep at least 6 digits for the sequence; drop the date when the id is too short to hold both.
    const head = room - date.length >= 6 ? date : '';
    const width = room - head.length;
    const sequence = String(value);
    if (width < sequence.length) {
      throw new RangeError(
        `newId: ${digits} characters cannot hold prefix "${prefix}" and sequence number ${sequence}`,
      );
    }
    return prefix + head + sequence.padStart(width, '0');
  };
}
