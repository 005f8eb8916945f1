/**
 * One result row: an absolute measurement and, where it has one, its ratio against a stated reference.
 * `against` says what the ratio divides by, so a reader on another machine knows what 0.9 means.
 */
export function row(metric, value, unit, ratio, against) {
  return { metric, value, unit, ...(ratio === undefined ? {} : { ratio, against }) };
}

function formatValue(value, unit) {
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return String(value);
  const size = Math.abs(value);
  const digits =
    unit === 'bytes' ? 0 : unit === 'ms' ? (size < 10 ? 2 : 1) : size < 10 ? 2 : size < 100 ? 1 : 0;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function formatRatio(ratio) {
  if (ratio === undefined) return '';
  return ratio >= 100 ? ratio.toFixed(0) : ratio.toFixed(2);
}

/** Renders one benchmark's rows as an aligned text table. */
export function renderTable(result) {
  const header = ['measurement', 'value', 'unit', 'ratio', 'ratio against'];
  const cells = result.rows.map((r) => [
    r.metric,
    formatValue(r.value, r.unit),
    r.unit,
    formatRatio(r.ratio),
    r.against ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const right = [false, true, false, true, false];
  const line = (c) =>
    c
      .map((text, i) => (right[i] ? text.padStart(widths[i]) : text.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const lines = [
    `${result.name}: ${result.title}`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
  ];
  for (const c of cells) lines.push(line(c));
  for (const note of result.notes ?? []) lines.push(`  note: ${note}`);
  return lines.join('\n');
}
