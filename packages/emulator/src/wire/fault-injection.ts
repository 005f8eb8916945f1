import type { Clock } from '../core/clock.js';
import type { Database } from '../families/family.js';
import { ApiError } from './api-error.js';

/** Matches every operation. */
export const ANY_OPERATION = '*';

export interface FaultRule {
  id: number;
  /** An operation name (`transferBills.partnerCreate`), `certificates.download`, or `*`. */
  operation: string;
  status: number;
  code: string;
  message: string;
  /** Calls still to be answered with this error. */
  remaining: number;
}

export interface NewFaultRule {
  operation: string;
  status: number;
  code: string;
  message: string;
  count: number;
}

interface FaultRow {
  id: number;
  operation: string;
  status: number;
  code: string;
  message: string;
  remaining: number;
}

/**
 * Injected failures: the next `count` authenticated calls of an operation answer the given error (signed), which
 * is how 500 SYSTEM_ERROR and 502/503 become reachable for retry tests. Rules live in `fault_rules`.
 */
export class FaultInjector {
  /**
   * False once a check found the table empty, until the next add: then a call costs no query at all (one per call
   * was about 1 % of a read). Rules come only from add() in this process (the emulator is one process on its data
   * folder); a table emptied otherwise (reset) is found empty by the next check.
   */
  #maybeLive = true;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  add(rule: NewFaultRule): FaultRule {
    const { id } = this.db
      .prepare(
        `INSERT INTO fault_rules (operation, status, code, message, remaining, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .get(rule.operation, rule.status, rule.code, rule.message, rule.count, this.clock.now()) as {
      id: number;
    };
    this.#maybeLive = true;
    return {
      id,
      operation: rule.operation,
      status: rule.status,
      code: rule.code,
      message: rule.message,
      remaining: rule.count,
    };
  }

  list(): FaultRule[] {
    return this.db
      .prepare('SELECT id, operation, status, code, message, remaining FROM fault_rules ORDER BY id')
      .all() as FaultRow[];
  }

  clear(): number {
    const deleted = this.db.prepare('DELETE FROM fault_rules').run().changes;
    this.#maybeLive = false;
    return deleted;
  }

  /** Throws the oldest live rule for this operation (using up one of its calls), if any. */
  check(operation: string): void {
    if (!this.#maybeLive) return;
    // Without a rule for this call: one read, no write transaction (it used to be BEGIN IMMEDIATE per request).
    if (
      !this.db
        .prepare('SELECT 1 FROM fault_rules WHERE operation IN (?, ?) LIMIT 1')
        .get(operation, ANY_OPERATION)
    ) {
      this.#maybeLive = this.db.prepare('SELECT 1 FROM fault_rules LIMIT 1').get() !== undefined;
      return;
    }
    const rule = this.db.transaction(() => {
      const row = this.db
        .prepare(
          `SELECT id, operation, status, code, message, remaining FROM fault_rules
           WHERE operation IN (?, ?) ORDER BY id LIMIT 1`,
        )
        .get(operation, ANY_OPERATION) as FaultRow | undefined;
      // A used-up rule is deleted, so the table only ever lists live rules.
      if (row?.remaining === 1) this.db.prepare('DELETE FROM fault_rules WHERE id = ?').run(row.id);
      else if (row)
        this.db.prepare('UPDATE fault_rules SET remaining = remaining - 1 WHERE id = ?').run(row.id);
      return row;
    })();
    if (rule) throw new ApiError(rule.status, rule.code, rule.message);
  }
}
