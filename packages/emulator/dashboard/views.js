// The dashboard's views. Each mounts once (forms keep what is typed) and refreshes its live parts on a timer.
import { badge, copyText, fill, h, json, kv, statusBadge, table, time, toast, visible } from './render.js';

const KEY_FIELDS = ['out_bill_no', 'out_authorization_no', 'out_recharge_no', 'out_request_no'];
const STATE_FIELDS = ['state', 'recharge_state', 'cancel_state'];
const OWNER_FIELDS = ['mchid', 'sp_mchid'];
const first = (item, fields) => fields.map((f) => item?.[f]).find((v) => v !== undefined);

/** A resource's merchant number, its out-number and its state, whatever the family calls them. */
export function resourceKey(item) {
  return first(item, KEY_FIELDS);
}
function resourceState(item) {
  return first(item, STATE_FIELDS);
}
function resourceOwner(item) {
  return first(item, OWNER_FIELDS);
}

const kebab = (family) => family.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

let actionsCache;
async function actions(api) {
  actionsCache ??= (await api('GET', '/actions')).actions;
  return actionsCache;
}

/** A form for one control action; params prefilled from a resource where their names match its fields. */
function actionForm(action, { api, prefill = {}, onDone }) {
  const inputs = Object.fromEntries(
    action.params.map((param) => [
      param,
      h('input', {
        name: param,
        value: prefill[param] ?? (param === 'mchid' ? (action.defaultMchid ?? '') : ''),
        placeholder: param,
        required: true,
      }),
    ]),
  );
  const body =
    action.method === 'POST'
      ? h('textarea', { name: 'body', rows: 2, placeholder: '{} or a JSON body' })
      : undefined;
  if (body) body.value = '{}';
  const result = h('div', { class: 'result' });
  const button = h('button', { class: 'primary', type: 'submit' }, `${action.family}.${action.name}`);
  const form = h(
    'form',
    {
      class: 'action',
      'data-action': `${action.family}.${action.name}`,
      async onsubmit(event) {
        event.preventDefault();
        let path = action.path;
        for (const param of action.params)
          path = path.replace(`:${param}`, encodeURIComponent(inputs[param].value.trim()));
        let payload;
        if (body) {
          try {
            payload = JSON.parse(body.value || '{}');
          } catch (error) {
            fill(result, h('span', { class: 'error-text' }, `The body is not JSON: ${error.message}`));
            return;
          }
        }
        button.disabled = true;
        try {
          const answer = await api(action.method, path.slice(path.indexOf('/', 1)), payload);
          fill(
            result,
            h('span', { class: 'muted' }, 'Done: '),
            resourceState(answer) ? badge(resourceState(answer)) : '',
            json(answer),
          );
          toast(`${action.family}.${action.name}: done`);
          onDone?.();
        } catch (error) {
          fill(
            result,
            h(
              'span',
              { class: 'error-text', 'data-error': error.code ?? '' },
              `${error.code ?? 'Error'}: ${error.message}`,
            ),
          );
        } finally {
          button.disabled = false;
        }
      },
    },
    h('p', { class: 'summary' }, h('span', { class: 'actor' }, action.actor), ' · ', action.summary),
    h(
      'div',
      { class: 'inline' },
      Object.entries(inputs).map(([name, input]) => h('label', {}, name, input)),
    ),
    body ? h('label', {}, 'body', body) : undefined,
    h('div', {}, button),
    result,
  );
  form.classList.add('inline-form');
  return form;
}

// ——— merchants ———
const merchants = {
  title: 'Merchants',
  mount(container, _args, { api }) {
    const list = h('div', { class: 'grid' });
    fill(
      container,
      h('h1', {}, 'Merchants'),
      h(
        'p',
        { class: 'sub' },
        'The callers of this emulator and their credentials. Keys stay on this machine.',
      ),
      list,
    );
    let loaded = false;
    return {
      async refresh() {
        if (loaded) return;
        const { merchants: all, platform } = await api('GET', '/merchants');
        loaded = true;
        fill(
          list,
          all.map((m) =>
            h(
              'article',
              { class: 'panel', 'data-merchant': m.key },
              h('h2', {}, `${m.name ?? m.key} `, badge(m.kind)),
              kv([
                ['mchid', m.mchid],
                ['appid', m.appid],
                ['serialNo', m.serialNo],
                ['APIv3 key', m.apiV3Key],
                ['private key', m.privateKeyPath ?? '(in memory)'],
                [
                  'sub-merchants',
                  (m.subMerchants ?? []).map((s) => `${s.mchid} (${s.appid})`).join(', ') || '—',
                ],
              ]),
              h(
                'p',
                {},
                h(
                  'button',
                  {
                    class: 'primary',
                    'data-copy': m.key,
                    async onclick(event) {
                      const button = event.currentTarget;
                      let options;
                      try {
                        options = await api('GET', `/merchants/${encodeURIComponent(m.key)}/client-options`);
                      } catch (error) {
                        toast(`Could not read the configuration: ${error.message}`);
                        return;
                      }
                      const snippet = `const wxpay = new WechatPay(${JSON.stringify(options, null, 2)});\n`;
                      const ok = await copyText(snippet);
                      button.dataset.copied = ok ? 'yes' : 'no';
                      toast(ok ? `SDK configuration for ${m.key} copied` : 'Copy failed: select it below');
                      // One snippet under the button, however often it is clicked.
                      button.nextElementSibling?.remove();
                      button.after(json(snippet));
                    },
                  },
                  'Copy SDK configuration',
                ),
              ),
            ),
          ),
          h(
            'article',
            { class: 'panel' },
            h('h2', {}, 'WeChat Pay side'),
            kv([
              ['public key id', platform.publicKeyId],
              ['public key', platform.publicKeyPath ?? '(in memory)'],
              ['certificate serial', platform.certificateSerial],
            ]),
          ),
        );
      },
    };
  },
};

// ——— resources ———
const resources = {
  title: 'Resources',
  mount(container, args, { api, go }) {
    const [family, selectedKey] = args;
    const tabs = h('div', { class: 'toolbar' });
    const listArea = h('div');
    const detail = h('div');
    fill(
      container,
      h('h1', {}, 'Resources'),
      h('p', { class: 'sub' }, 'Each family’s records, their state, and each record’s timeline.'),
      tabs,
      listArea,
      detail,
    );
    let items = [];
    let families = [];
    const selected = () => items.find((item) => resourceKey(item) === selectedKey);
    let detailFor;
    async function renderDetail() {
      const item = selected();
      if (!item || !family) return fill(detail);
      const timeline = await api(
        'GET',
        `/resources/${kebab(family)}/${encodeURIComponent(selectedKey)}/timeline?mchid=${encodeURIComponent(resourceOwner(item) ?? '')}`,
      ).catch((error) => ({ transitions: [], notifications: [], error }));
      const familyActions = (await actions(api)).filter((a) => a.family === family && a.params.length > 0);
      const entries = [
        ...timeline.transitions.map((t) => ({
          at: t.at,
          node: h(
            'li',
            { 'data-transition': `${t.from ?? '∅'}→${t.to ?? '∅'}` },
            h(
              'div',
              {},
              t.from ? badge(t.from) : h('span', { class: 'muted' }, 'created'),
              ' → ',
              t.to ? badge(t.to) : 'deleted',
            ),
            h(
              'div',
              { class: 'muted' },
              `${t.time} · `,
              h('span', { class: 'actor' }, t.actor),
              ` · ${t.event}`,
            ),
          ),
        })),
        ...timeline.notifications.map((n) => ({
          at: n.createdAt,
          node: h(
            'li',
            { class: `notification ${n.state === 'failed' ? 'failed' : ''}` },
            h('div', {}, 'notification ', h('code', {}, n.eventType), ' ', badge(n.state)),
            h(
              'div',
              { class: 'muted' },
              `${(n.attempts ?? []).length} attempt(s) to ${n.url} · `,
              h('a', { href: `#/notifications/${n.id}` }, 'details'),
            ),
          ),
        })),
      ].sort((a, b) => a.at - b.at);
      const prefill = { ...item, mchid: resourceOwner(item) };
      const key = `${selectedKey}:${resourceState(item)}:${entries.length}:${timeline.error?.message ?? ''}`;
      if (detailFor === key) return;
      detailFor = key;
      fill(
        detail,
        h(
          'div',
          { class: 'split' },
          h(
            'article',
            { class: 'panel', 'data-detail': selectedKey },
            h('h2', {}, `${selectedKey} `, badge(resourceState(item))),
            h('h2', {}, 'Timeline'),
            // A failed read is said, not shown as a resource without history.
            timeline.error
              ? h(
                  'p',
                  { class: 'error-text', 'data-error': 'timeline' },
                  `The timeline could not be read: ${timeline.error.message}`,
                )
              : h(
                  'ul',
                  { class: 'timeline' },
                  entries.map((e) => e.node),
                ),
            h('h2', {}, 'Record'),
            json(item),
          ),
          h(
            'article',
            { class: 'panel' },
            h('h2', {}, 'Act as the user or WeChat Pay'),
            familyActions.map((action) =>
              actionForm(action, {
                api,
                prefill,
                onDone: () => {
                  detailFor = undefined;
                },
              }),
            ),
          ),
        ),
      );
    }
    return {
      async refresh() {
        if (families.length === 0) {
          families = [...new Set((await actions(api)).map((a) => a.family))];
          fill(
            tabs,
            families.map((f) =>
              h('button', { class: f === family ? 'primary' : '', onclick: () => go(`#/resources/${f}`) }, f),
            ),
          );
          if (!family && families[0]) return go(`#/resources/${families[0]}`);
        }
        if (!family) return;
        items = (await api('GET', `/resources/${kebab(family)}`)).items;
        fill(
          listArea,
          table(
            [
              ['number', (item) => h('code', {}, resourceKey(item) ?? '—')],
              ['state', (item) => badge(resourceState(item))],
              ['merchant', (item) => resourceOwner(item) ?? '—'],
              ['sub-merchant', (item) => item.sub_mchid ?? '—'],
              ['updated', (item) => item.update_time ?? item.create_time ?? '—'],
            ],
            items,
            {
              key: resourceKey,
              selected: selectedKey,
              onSelect: (item) => go(`#/resources/${family}/${encodeURIComponent(resourceKey(item))}`),
              empty: `No ${family} yet: create one through the API.`,
            },
          ),
        );
        await renderDetail();
      },
    };
  },
};

// ——— actions ———
const actionsView = {
  title: 'Actions',
  mount(container, _args, { api }) {
    const area = h('div', { class: 'grid' });
    fill(
      container,
      h('h1', {}, 'Actions'),
      h(
        'p',
        { class: 'sub' },
        'What users and WeChat Pay do in real life, as the control API offers it. Pick a resource under Resources to prefill these.',
      ),
      area,
    );
    let loaded = false;
    return {
      async refresh() {
        if (loaded) return;
        loaded = true;
        const all = await actions(api);
        const byFamily = new Map();
        for (const action of all)
          byFamily.set(action.family, [...(byFamily.get(action.family) ?? []), action]);
        fill(
          area,
          [...byFamily].map(([family, list]) =>
            h(
              'article',
              { class: 'panel' },
              h('h2', {}, family),
              list.map((action) => actionForm(action, { api })),
            ),
          ),
        );
      },
    };
  },
};

// ——— notifications ———
const notificationsView = {
  title: 'Notifications',
  mount(container, args, { api, go }) {
    const listArea = h('div');
    const detail = h('div');
    const [selectedId] = args;
    fill(
      container,
      h('h1', {}, 'Notifications'),
      h('p', { class: 'sub' }, 'Every notification, every delivery attempt and the receiver’s answer.'),
      listArea,
      detail,
    );
    return {
      async refresh() {
        const { notifications } = await api('GET', '/notifications');
        fill(
          listArea,
          table(
            [
              ['id', (n) => n.id],
              ['event', (n) => h('code', {}, n.eventType)],
              ['resource', (n) => h('code', {}, n.resourceKey)],
              ['state', (n) => badge(n.state)],
              ['attempts', (n) => n.attemptsMade],
              ['to', (n) => h('span', { class: 'mono' }, n.url)],
              ['created', (n) => n.createTime],
            ],
            [...notifications].reverse(),
            {
              key: (n) => String(n.id),
              selected: selectedId,
              onSelect: (n) => go(`#/notifications/${n.id}`),
              empty: 'No notification sent yet.',
            },
          ),
        );
        if (!selectedId) return;
        const n = await api('GET', `/notifications/${selectedId}`);
        const redeliver = h(
          'button',
          {
            class: 'primary',
            'data-redeliver': n.id,
            async onclick() {
              redeliver.disabled = true;
              try {
                const { attempt } = await api('POST', `/notifications/${n.id}/redeliver`);
                toast(
                  attempt.ok
                    ? 'Redelivered: the receiver accepted it'
                    : `Redelivered: ${attempt.httpStatus ?? attempt.error}`,
                );
              } finally {
                redeliver.disabled = false;
              }
            },
          },
          'Redeliver now',
        );
        fill(
          detail,
          h(
            'article',
            { class: 'panel', 'data-notification': n.id },
            h('h2', {}, `#${n.id} `, h('code', {}, n.eventType), ' ', badge(n.state)),
            kv([
              ['event id', n.eventId],
              ['merchant', n.mchid],
              ['to', n.url],
              ['retry schedule (s)', n.retrySchedule.join(', ')],
              ['next attempt due', n.nextDueAt ? time(n.nextDueAt) : '—'],
            ]),
            h('p', {}, redeliver),
            h('h2', {}, 'Attempts'),
            table(
              [
                ['#', (a) => a.attemptNo],
                ['kind', (a) => a.kind],
                ['at (virtual)', (a) => time(a.attemptedAt)],
                [
                  'answer',
                  (a) => (a.httpStatus ? statusBadge(a.httpStatus) : badge(a.error ?? 'none', 'bad')),
                ],
                ['receiver said', (a) => h('code', {}, a.responseExcerpt ?? '')],
                ['ms', (a) => a.durationMs],
                ['probe', (a) => (a.probe ? 'SIGNTEST' : '')],
              ],
              n.attempts,
              { empty: 'Not attempted yet.' },
            ),
            h('h2', {}, 'Resource (decrypted)'),
            json(n.resource),
          ),
        );
      },
    };
  },
};

// ——— requests ———
function signaturePanel(row) {
  const s = row.signature;
  if (!s) return undefined;
  return h(
    'article',
    { class: 'panel', 'data-diagnosis': row.requestId },
    h('h2', {}, 'Why the signature failed: ', badge(s.failedCheck, 'bad')),
    h('p', { 'data-likely-cause': '' }, s.likelyCause),
    h(
      'div',
      { class: 'split' },
      h(
        'div',
        {},
        h('h2', {}, 'What the client must have signed'),
        s.signMessage !== undefined
          ? visible(s.signMessage)
          : h('p', { class: 'muted' }, 'The emulator did not get as far as building it.'),
        s.signMessageLength !== undefined
          ? h('p', { class: 'muted' }, `${s.signMessageLength} bytes · SHA-256 ${s.signMessageSha256}`)
          : undefined,
      ),
      h(
        'div',
        {},
        h('h2', {}, 'What the client sent'),
        s.authorization
          ? kv(Object.entries(s.authorization))
          : h('p', { class: 'muted' }, 'The Authorization header did not parse.'),
        s.variantsTried?.length
          ? [
              h('h2', {}, 'Mistakes tried against the signature'),
              h(
                'ul',
                {},
                s.variantsTried.map((v) =>
                  h('li', {}, v.verifies ? badge('verifies', 'ok') : badge('no', 'info'), ' ', v.variant),
                ),
              ),
            ]
          : undefined,
      ),
    ),
  );
}

const requestsView = {
  title: 'Requests',
  mount(container, args, { api, go }) {
    const [selectedId] = args;
    const status = h(
      'select',
      { name: 'status' },
      ['', 'error', '4xx', '401', '5xx', '2xx'].map((v) => h('option', { value: v }, v || 'any status')),
    );
    const operation = h('input', { name: 'operation', placeholder: 'operation, e.g. transferBills.cancel' });
    const verification = h(
      'select',
      { name: 'verification' },
      ['', 'verified', 'failed', 'not-checked'].map((v) =>
        h('option', { value: v }, v || 'any verification'),
      ),
    );
    const listArea = h('div');
    const detail = h('div');
    fill(
      container,
      h('h1', {}, 'Requests'),
      h(
        'p',
        { class: 'sub' },
        'Every API call the emulator answered, newest first; a failed signature comes with its diagnosis.',
      ),
      h(
        'div',
        { class: 'toolbar' },
        h('label', {}, 'status', status),
        h('label', {}, 'operation', operation),
        h('label', {}, 'verification', verification),
      ),
      listArea,
      detail,
    );
    let shownDetail;
    return {
      async refresh() {
        const query = new URLSearchParams();
        if (status.value) query.set('status', status.value);
        if (operation.value.trim()) query.set('operation', operation.value.trim());
        if (verification.value) query.set('verification', verification.value);
        const { requests } = await api('GET', `/requests?${query}`);
        fill(
          listArea,
          table(
            [
              ['time', (r) => time(Date.parse(r.time))],
              ['caller', (r) => r.mchid ?? '—'],
              ['request', (r) => h('code', {}, `${r.method} ${r.url}`)],
              ['operation', (r) => r.operation ?? '—'],
              ['status', (r) => [statusBadge(r.status), r.code ? ` ${r.code}` : '']],
              [
                'signature',
                (r) =>
                  badge(
                    r.verification,
                    r.verification === 'failed' ? 'bad' : r.verification === 'verified' ? 'ok' : 'info',
                  ),
              ],
              ['ms', (r) => r.latencyMs],
            ],
            requests,
            {
              key: (r) => r.requestId,
              selected: selectedId,
              onSelect: (r) => go(`#/requests/${r.requestId}`),
              empty: 'No request matches.',
            },
          ),
        );
        if (!selectedId || shownDetail === selectedId) return;
        const row = await api('GET', `/requests/${encodeURIComponent(selectedId)}`);
        shownDetail = selectedId;
        fill(
          detail,
          signaturePanel(row),
          h(
            'article',
            { class: 'panel', 'data-request': row.requestId },
            h('h2', {}, `${row.method} ${row.url} `, statusBadge(row.status)),
            kv([
              ['Request-ID', row.requestId],
              ['time', row.time],
              ['virtual time', row.virtualTime],
              ['operation', row.operation ?? '—'],
              ['caller', row.mchid ?? '—'],
              ['code', row.code ?? '—'],
              ['latency', `${row.latencyMs} ms`],
            ]),
            h(
              'div',
              { class: 'split' },
              h('div', {}, h('h2', {}, 'Request'), json(row.request)),
              h(
                'div',
                {},
                h('h2', {}, `Response${row.response.signed ? ' (signed)' : ''}`),
                json(row.response.body),
              ),
            ),
          ),
        );
      },
    };
  },
};

// ——— clock ———
const countOf = (value) => (Array.isArray(value) ? value.length : value);
const clockView = {
  title: 'Clock',
  mount(container, _args, { api }) {
    const now = h('p', { class: 'mono', 'data-now': '' });
    const due = h('div');
    const result = h('div', { class: 'result' });
    const seconds = h('input', {
      name: 'seconds',
      type: 'number',
      min: 0,
      step: 'any',
      placeholder: 'seconds',
    });
    async function advance(body) {
      try {
        const answer = await api('POST', '/clock/advance', body);
        fill(
          result,
          h(
            'p',
            { 'data-advanced': '' },
            `Now ${answer.time}: ran ${countOf(answer.ran.timers)} timer(s) and ${countOf(answer.ran.notificationAttempts)} notification attempt(s).`,
          ),
        );
      } catch (error) {
        fill(result, h('p', { class: 'error-text' }, error.message));
      }
    }
    fill(
      container,
      h('h1', {}, 'Clock'),
      h(
        'p',
        { class: 'sub' },
        'Virtual time. Moving it forward runs every timer and notification attempt that falls due on the way, in order.',
      ),
      h(
        'article',
        { class: 'panel' },
        now,
        h(
          'form',
          {
            class: 'inline',
            onsubmit: (e) => {
              e.preventDefault();
              advance({ seconds: Number(seconds.value) });
            },
          },
          h('label', {}, 'advance by', seconds),
          h('button', { class: 'primary', type: 'submit' }, 'Advance'),
        ),
        h(
          'p',
          {},
          [
            ['+1 min', 60],
            ['+1 hour', 3600],
            ['+1 day', 86400],
            ['+3 days', 259200],
          ].map(([label, s]) =>
            h('button', { type: 'button', 'data-advance': s, onclick: () => advance({ seconds: s }) }, label),
          ),
          ' ',
        ),
        result,
      ),
      h('h2', {}, 'What falls due next'),
      due,
    );
    return {
      async refresh() {
        const view = await api('GET', '/clock/due');
        now.textContent = `${view.time} · ${view.mode} clock`;
        fill(
          due,
          table(
            [
              ['due', (row) => row.dueTime],
              [
                'what',
                (row) =>
                  row.kind ? `timer ${row.family}.${row.kind}` : `notification #${row.id} ${row.eventType}`,
              ],
              ['resource', (row) => h('code', {}, row.ref ?? row.resourceKey)],
            ],
            [...view.timers, ...view.notificationAttempts].sort((a, b) => a.dueAt - b.dueAt),
            { empty: 'Nothing is scheduled.' },
          ),
        );
      },
    };
  },
};

// ——— faults ———
const faultsView = {
  title: 'Faults',
  mount(container, _args, { api }) {
    const list = h('div');
    const message = h('div', { class: 'result' });
    const fields = {
      operation: h('input', { name: 'operation', placeholder: 'transferBills.create or *', required: true }),
      status: h('input', { name: 'status', type: 'number', value: '500' }),
      code: h('input', { name: 'code', value: 'SYSTEM_ERROR' }),
      count: h('input', { name: 'count', type: 'number', value: '1', min: 1 }),
    };
    fill(
      container,
      h('h1', {}, 'Faults'),
      h(
        'p',
        { class: 'sub' },
        'Make the next calls of an operation fail with an error WeChat Pay documents, to test retries and error handling.',
      ),
      h(
        'article',
        { class: 'panel' },
        h(
          'form',
          {
            class: 'inline',
            async onsubmit(e) {
              e.preventDefault();
              try {
                await api('POST', '/faults', {
                  operation: fields.operation.value.trim(),
                  status: Number(fields.status.value),
                  code: fields.code.value.trim(),
                  count: Number(fields.count.value),
                });
                fill(message, h('span', { class: 'muted' }, 'Fault added.'));
              } catch (error) {
                fill(message, h('span', { class: 'error-text' }, error.message));
              }
            },
          },
          Object.entries(fields).map(([name, input]) => h('label', {}, name, input)),
          h('button', { class: 'primary', type: 'submit' }, 'Add fault'),
          h(
            'button',
            { type: 'button', class: 'danger', onclick: () => api('DELETE', '/faults') },
            'Clear all',
          ),
        ),
        message,
      ),
      list,
    );
    return {
      async refresh() {
        const { faults } = await api('GET', '/faults');
        fill(
          list,
          table(
            [
              ['operation', (f) => h('code', {}, f.operation)],
              ['answer', (f) => `${f.status} ${f.code}`],
              ['message', (f) => f.message],
              ['left', (f) => f.remaining ?? f.count],
            ],
            faults,
            { empty: 'No fault is armed.' },
          ),
        );
      },
    };
  },
};

// ——— settings ———
const settingsView = {
  title: 'Settings',
  mount(container, _args, { api }) {
    const editor = h('textarea', { name: 'settings', rows: 14 });
    const message = h('div', { class: 'result' });
    let loaded = false;
    fill(
      container,
      h('h1', {}, 'Settings'),
      h(
        'p',
        { class: 'sub' },
        'Change what the emulator does; send only the keys you change. They are saved with the data folder.',
      ),
      h(
        'article',
        { class: 'panel' },
        h(
          'form',
          {
            async onsubmit(e) {
              e.preventDefault();
              try {
                const saved = await api('POST', '/settings', JSON.parse(editor.value));
                editor.value = JSON.stringify(saved, null, 2);
                fill(message, h('span', { class: 'muted' }, 'Saved.'));
              } catch (error) {
                fill(message, h('span', { class: 'error-text' }, error.message));
              }
            },
          },
          editor,
          h('p', {}, h('button', { class: 'primary', type: 'submit' }, 'Save')),
        ),
        message,
      ),
    );
    return {
      async refresh() {
        if (loaded) return;
        loaded = true;
        editor.value = JSON.stringify(await api('GET', '/settings'), null, 2);
      },
    };
  },
};

export const VIEWS = {
  merchants,
  resources,
  actions: actionsView,
  notifications: notificationsView,
  requests: requestsView,
  clock: clockView,
  faults: faultsView,
  settings: settingsView,
};
