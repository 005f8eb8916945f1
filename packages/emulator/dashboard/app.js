// The emulator dashboard: hash-routed views over the control API, refreshed every 1.5 s while visible.
import { fill, h } from './render.js';
import { VIEWS } from './views.js';

const prefix = location.pathname.replace(/\/dashboard\/?.*$/, '');
const token = new URLSearchParams(location.search).get('token') ?? sessionStorage.getItem('wxpay-kit-token');
if (token) sessionStorage.setItem('wxpay-kit-token', token);
// The token stays in this tab's storage, not in the address bar, the history or a shared screenshot.
if (new URLSearchParams(location.search).has('token')) {
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
}

/** One control API call; a refusal becomes an Error with the API's own message. */
export async function api(method, path, body) {
  const response = await fetch(`${prefix}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const value = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new Error(value?.message ?? `${response.status} ${response.statusText}`);
    error.status = response.status;
    error.code = value?.code;
    throw error;
  }
  return value;
}

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const clock = document.getElementById('clock');
const live = document.getElementById('live');
const notice = document.getElementById('notice');
let current;

function route() {
  const [name = 'merchants', ...rest] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return { name: VIEWS[name] ? name : 'merchants', args: rest };
}

async function show() {
  current?.dispose?.();
  const { name, args } = route();
  for (const link of nav.children) link.classList.toggle('active', link.dataset.view === name);
  const container = h('section', { 'data-view': name });
  fill(main, container);
  current = VIEWS[name].mount(container, args, { api, go: (hash) => (location.hash = hash) });
  await refresh();
}

async function refresh() {
  try {
    const now = await api('GET', '/clock');
    clock.textContent = `${now.time}${now.mode === 'manual' ? ' (manual)' : ''}`;
    await current?.refresh?.();
    live.classList.remove('stale');
    fill(notice);
  } catch (error) {
    live.classList.add('stale');
    live.title = `last refresh failed: ${error.message}`;
    // Without its token an open control API answers 401 to everything: say what to do, not an empty view.
    fill(
      notice,
      error.status === 401
        ? h(
            'div',
            { class: 'panel notice', 'data-notice': 'token' },
            `${error.message}. This emulator's control API is open (--control-api open): open this page as `,
            h('code', {}, `${location.pathname}?token=<token>`),
            ' with the token the emulator printed when it started.',
          )
        : h('div', { class: 'panel notice', 'data-notice': 'error' }, `Refresh failed: ${error.message}`),
    );
  }
}

fill(
  nav,
  Object.entries(VIEWS).map(([name, view]) => h('a', { href: `#/${name}`, 'data-view': name }, view.title)),
);
window.addEventListener('hashchange', show);
setInterval(() => {
  if (document.visibilityState === 'visible') refresh();
}, 1500);
show();
