import type { Database } from '../../src/families/family.js';

/**
 * The same database, counting the rows its statements hand back (all, get, iterate): how much of a table a piece
 * of code reads, as a number a test can compare, instead of a time.
 */
export function countingRowsRead(db: Database): { db: Database; rows(): number; reset(): void } {
  let rows = 0;
  const counted = (statement: object) =>
    new Proxy(statement, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        if (name === 'all') {
          return (...args: unknown[]) => {
            const result = value.apply(target, args) as unknown[];
            rows += result.length;
            return result;
          };
        }
        if (name === 'get') {
          return (...args: unknown[]) => {
            const result = value.apply(target, args);
            if (result !== undefined) rows++;
            return result;
          };
        }
        if (name === 'iterate') {
          return function* (...args: unknown[]) {
            for (const row of value.apply(target, args) as Iterable<unknown>) {
              rows++;
              yield row;
            }
          };
        }
        return value.bind(target);
      },
    });
  const proxy = new Proxy(db, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (name === 'prepare') return (source: string) => counted(target.prepare(source));
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    db: proxy,
    rows: () => rows,
    reset: () => {
      rows = 0;
    },
  };
}
