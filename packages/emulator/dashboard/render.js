// Small DOM helpers: the dashboard builds its views from these, with no framework and no build step.

/** `h('td', { class: 'x', onclick }, 'text', child)`: an element with attributes, listeners and children. */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (name === 'value') element.value = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** Replaces a container's children. */
export function fill(container, ...children) {
  container.replaceChildren(
    ...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false),
  );
  return container;
}

const GOOD = /^(SUCCESS|TAKING_EFFECT|FINISH|CANCELED|DELIVERED|verified|ok)$/;
const BAD = /^(FAIL|FAILED|CLOSED|REJECTED|REVOKED|CANCELLED|failed)$/;

/** A state or outcome as a coloured pill. */
export function badge(text, kind) {
  const value = String(text ?? '—');
  const tone =
    kind ?? (GOOD.test(value) ? 'ok' : BAD.test(value) ? 'bad' : /^(4|5)\d\d$/.test(value) ? 'bad' : 'info');
  return h('span', { class: `badge ${tone}` }, value);
}

export function statusBadge(status) {
  return badge(status, status >= 400 ? 'bad' : status >= 300 ? 'warn' : 'ok');
}

/** A table whose rows can be clicked; `columns` are [title, (row) => cell]. */
export function table(columns, rows, options = {}) {
  if (rows.length === 0) return h('div', { class: 'panel empty' }, options.empty ?? 'Nothing yet.');
  const head = h(
    'tr',
    {},
    columns.map(([title]) => h('th', {}, title)),
  );
  const body = rows.map((row) => {
    const key = options.key?.(row);
    return h(
      'tr',
      {
        class: [
          options.onSelect ? 'clickable' : '',
          key !== undefined && key === options.selected ? 'selected' : '',
        ]
          .join(' ')
          .trim(),
        'data-key': key,
        onclick: options.onSelect ? () => options.onSelect(row) : undefined,
      },
      columns.map(([, cell]) => h('td', {}, cell(row))),
    );
  });
  return h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, head), h('tbody', {}, body)));
}

/** Pretty JSON in a dark block. */
export function json(value) {
  return h('pre', { class: 'json' }, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

/** A string with its invisible characters shown: each `\n` as a highlighted `\n` followed by a line break. */
export function visible(text) {
  const pre = h('pre', { class: 'visible' });
  for (const part of String(text ?? '').split(/(\n|\r|\t)/)) {
    if (part === '\n') pre.append(h('span', { class: 'esc' }, '\\n'), '\n');
    else if (part === '\r') pre.append(h('span', { class: 'esc' }, '\\r'));
    else if (part === '\t') pre.append(h('span', { class: 'esc' }, '\\t'));
    else if (part) pre.append(part);
  }
  return pre;
}

/** `key: value` pairs. */
export function kv(entries) {
  return h(
    'dl',
    { class: 'kv' },
    entries
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [h('dt', {}, key), h('dd', {}, value ?? '—')]),
  );
}

export function time(ms) {
  if (ms === null || ms === undefined) return '—';
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toLocaleString('sv-SE', { hour12: false });
}

/** Copies text, with the older fallback for pages that the Clipboard API does not serve (http on a LAN address). */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h('textarea', { 'aria-hidden': 'true' });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

export function toast(message) {
  const element = document.getElementById('toast');
  element.textContent = message;
  element.classList.add('show');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => element.classList.remove('show'), 2200);
}
