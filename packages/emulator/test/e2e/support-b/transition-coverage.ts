export interface TableRow {
  readonly from: string | null;
  readonly to: string;
  readonly event: string;
  readonly guard?: string;
}

function keyOf(row: TableRow): string {
  return `${row.from ?? '∅'} → ${row.to} on ${row.event}${row.guard ? ` [${row.guard}]` : ''}`;
}

/**
 * Which rows of a machine's transitions table the tests drove. Tests call `drove()` after asserting the state
 * a row leads to; a final test compares with the table, so a new row without an end-to-end test fails.
 */
export class TransitionCoverage {
  readonly #table: readonly TableRow[];
  readonly #driven = new Set<string>();

  constructor(table: readonly TableRow[]) {
    this.#table = table;
  }

  drove(from: string | null, to: string, event: string): void {
    const rows = this.#table.filter((r) => r.from === from && r.to === to && r.event === event);
    if (rows.length === 0)
      throw new Error(`no row ${from ?? '∅'} → ${to} on ${event} in the transitions table`);
    for (const row of rows) this.#driven.add(keyOf(row));
  }

  missing(): string[] {
    return this.#table.map(keyOf).filter((key) => !this.#driven.has(key));
  }
}
