import type { ControlActionDescriptor } from '../control/action-catalogue.js';
import type { JournalRow, JournalSummary } from '../control/requests.js';
import type { EmulatorClientOptions } from '../core/client-options.js';
import type { MerchantKey } from '../core/credentials.js';
import type { StoredTransition } from '../history/transition-log.js';
import type { JournalFilter, Verification } from '../journal/journal-store.js';
import type { AttemptRecord, NotificationRecord, NotificationState } from '../notify/notification-store.js';
import type { FaultRule } from '../wire/fault-injection.js';
import type { FamilyControl } from './actions.generated.js';
import type { ControlFields, ControlResult } from './types.js';

/** A refused control call: the status and `{ code, message }` the control API answered. */
export class EmulatorControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'EmulatorControlError';
  }
}

/** `GET /_emulator/resources/:family/:key/timeline`. */
export interface ResourceTimeline {
  family: string;
  resourceKey: string;
  transitions: Array<StoredTransition & { time: string }>;
  notifications: Array<NotificationRecord & { attempts?: AttemptRecord[] }>;
}

export interface ClockView {
  mode: 'real' | 'manual';
  /** Virtual now, epoch ms, and as RFC 3339 (+08:00). */
  now: number;
  time: string;
  offsetMs: number;
}

export interface FaultInput {
  /** An operation name (`transferBills.create`), `certificates.download` or `*`. */
  operation: string;
  status: number;
  code: string;
  message?: string;
  /** How many calls answer this error (default 1). */
  count?: number;
}

export type RequestFilter = Omit<JournalFilter, 'since' | 'until' | 'verification'> & {
  /** Wall time, RFC 3339 or epoch ms. */
  since?: string | number;
  until?: string | number;
  verification?: Verification;
};

/**
 * The typed control client: each family's actions (`control.transferBills.fail({ out_bill_no, fail_reason })`,
 * generated from the registered actions) and the framework's routes. Every method is one HTTP call to the
 * control API, so the same client drives an emulator in this process or in another one.
 */
export type ControlClient = FamilyControl & {
  /** The control API's base, e.g. `http://127.0.0.1:8787/_emulator`. */
  readonly url: string;
  clock: {
    get(): Promise<ClockView>;
    /** What falls due next: pending timers and scheduled notification attempts, soonest first. */
    due(): Promise<ControlResult>;
    /** Moves virtual time forward by `seconds` or `ms`, or to `to` (RFC 3339); runs what falls due on the way. */
    advance(
      by: { seconds: number } | { ms: number } | { to: string },
    ): Promise<ClockView & { ran: { timers: number; notificationAttempts: number } }>;
  };
  faults: {
    list(): Promise<FaultRule[]>;
    add(rule: FaultInput): Promise<FaultRule>;
    clear(): Promise<number>;
  };
  notifications: {
    list(filter?: {
      mchid?: string;
      state?: NotificationState;
      resourceKey?: string;
    }): Promise<NotificationRecord[]>;
    get(id: number): Promise<NotificationRecord & { attempts: AttemptRecord[] }>;
    redeliver(id: number): Promise<AttemptRecord>;
  };
  /** The request journal, newest first. */
  requests: {
    list(filter?: RequestFilter): Promise<JournalSummary[]>;
    /** One call in full (bodies, signature diagnosis), by Request-ID or seq. */
    get(requestIdOrSeq: string | number): Promise<JournalRow>;
  };
  resources: {
    list(family: string, filter?: { mchid?: string }): Promise<ControlResult[]>;
    /** A resource's transitions (with their actor) and the notifications they caused, by its out-number. */
    timeline(family: string, key: string, filter?: { mchid?: string }): Promise<ResourceTimeline>;
  };
  merchants: {
    list(): Promise<ControlResult>;
    clientOptions(key: MerchantKey | string): Promise<EmulatorClientOptions>;
  };
  settings: {
    get(): Promise<ControlResult>;
    update(patch: ControlFields): Promise<ControlResult>;
  };
  /**
   * Forgets every resource, timer, notification, journaled request and fault; `clock: true` also puts virtual time
   * back to the wall clock (or to the RFC 3339 instant given).
   */
  reset(options?: {
    clock?: boolean | string;
  }): Promise<{ deleted: Record<string, number>; clock: { now: number; time: string } }>;
  /** The family actions this emulator offers, as `GET /_emulator/actions` lists them. */
  actions(): Promise<ControlActionDescriptor[]>;
  /** The platform certificates `GET /v3/certificates` lists, and WeChat Pay's rotation of them. */
  platformCertificates: {
    list(): Promise<ControlResult>;
    /** A new certificate signs at once; the previous one stays listed and valid for `overlapMs` (24 h). */
    rotate(options?: { overlapMs?: number }): Promise<ControlResult>;
  };
};

/** The framework's control routes this client calls (a test checks them against the registered routes). */
export const FRAMEWORK_ROUTES = [
  'GET /clock',
  'POST /clock/advance',
  'GET /faults',
  'POST /faults',
  'DELETE /faults',
  'GET /notifications',
  'GET /notifications/:id',
  'POST /notifications/:id/redeliver',
  'GET /requests',
  'GET /requests/:id',
  'GET /resources/:family',
  'GET /resources/:family/:key/timeline',
  'GET /clock/due',
  'GET /merchants',
  'GET /merchants/:key/client-options',
  'GET /settings',
  'POST /settings',
  'POST /reset',
  'GET /actions',
  'GET /platform-certificates',
  'POST /platform-certificates/rotate',
] as const;

export interface ControlClientOptions {
  /** The emulator's base URL (`http://127.0.0.1:8787`). */
  url: string;
  /** The bearer token of an emulator started with `--control-api open`. */
  token?: string | undefined;
  /** The family actions; fetched from `GET /_emulator/actions` when left out. */
  actions: readonly ControlActionDescriptor[];
  fetch?: typeof fetch;
}

type Query = Record<string, string | number | undefined>;

function queryString(query: Query = {}): string {
  const entries = Object.entries(query).filter(
    (entry): entry is [string, string | number] => entry[1] !== undefined,
  );
  return entries.length === 0
    ? ''
    : `?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}

/** Calls one control route; a non-2xx answer throws EmulatorControlError with the route's own message. */
export function controlRequester(options: Pick<ControlClientOptions, 'url' | 'token' | 'fetch'>) {
  const base = `${options.url.replace(/\/+$/, '')}/_emulator`;
  const doFetch = options.fetch ?? fetch;
  return async function call<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await doFetch(`${base}${path}${queryString(query)}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = text;
    }
    if (!res.ok) {
      const { code = 'HTTP_ERROR', message = text } = (parsed ?? {}) as { code?: string; message?: string };
      throw new EmulatorControlError(
        res.status,
        code,
        `${method} ${base}${path}: ${res.status} ${code}: ${message}`,
        parsed,
      );
    }
    return parsed as T;
  };
}

/** The merchant that owns a resource, whatever the family calls it (`mchid`, `mch_id`, `sp_mchid`). */
function ownerOf(item: ControlResult): unknown {
  return item['mchid'] ?? item['mch_id'] ?? item['sp_mchid'];
}

/**
 * The merchant an action is about when the caller leaves `mchid` out: the family's only kind of caller
 * (`defaultMchid`), else the one merchant that has a resource with the number given (asked of the emulator, one
 * read). Ambiguous or unknown: undefined, and the caller is told to pass `mchid`.
 */
async function inferMchid(
  action: ControlActionDescriptor,
  input: Record<string, unknown>,
  call: ReturnType<typeof controlRequester>,
): Promise<string | undefined> {
  if (action.defaultMchid !== undefined) return action.defaultMchid;
  const keyParam = action.params.find((param) => param !== 'mchid');
  const key = keyParam === undefined ? undefined : input[keyParam];
  if (typeof key !== 'string' || key === '') return undefined;
  const family = action.path.split('/')[2]!;
  const { items } = await call<{ items: ControlResult[] }>('GET', `/resources/${family}`);
  const owners = new Set(items.filter((item) => item[keyParam!] === key).map(ownerOf));
  const [owner] = owners;
  return owners.size === 1 && typeof owner === 'string' ? owner : undefined;
}

/** A family action as a function: path parameters from the input, the rest as body (POST) or query (GET). */
function actionFunction(action: ControlActionDescriptor, call: ReturnType<typeof controlRequester>) {
  const prefix = '/_emulator';
  return async (input: Record<string, unknown> = {}) => {
    const rest: Record<string, unknown> = { ...input };
    let path = action.path.startsWith(prefix) ? action.path.slice(prefix.length) : action.path;
    // The resource's own number first: a missing one is the thing to report, not the merchant it would name.
    const ordered = [
      ...action.params.filter((param) => param !== 'mchid'),
      ...action.params.filter((p) => p === 'mchid'),
    ];
    for (const param of ordered) {
      let value = rest[param];
      delete rest[param];
      if (value === undefined && param === 'mchid') value = await inferMchid(action, input, call);
      if (typeof value !== 'string' || value === '') {
        const hint =
          param === 'mchid'
            ? ` (the merchant cannot be inferred: several merchants use ${action.family}, and no single one has that resource)`
            : '';
        throw new TypeError(`control.${action.family}.${action.name}: ${param} is required${hint}`);
      }
      path = path.replace(`:${param}`, encodeURIComponent(value));
    }
    const hasFields = Object.keys(rest).length > 0;
    if (action.method === 'GET') return call<ControlResult>('GET', path, undefined, rest as Query);
    return call<ControlResult>(action.method, path, hasFields ? rest : undefined);
  };
}

export function createControlClient(options: ControlClientOptions): ControlClient {
  const call = controlRequester(options);
  const families: Record<string, Record<string, unknown>> = {};
  for (const action of options.actions) {
    families[action.family] ??= {};
    families[action.family]![action.name] = actionFunction(action, call);
  }
  const client = {
    url: `${options.url.replace(/\/+$/, '')}/_emulator`,
    clock: {
      get: () => call<ClockView>('GET', '/clock'),
      advance: (by: object) => call('POST', '/clock/advance', by),
      due: () => call('GET', '/clock/due'),
    },
    faults: {
      list: async () => (await call<{ faults: FaultRule[] }>('GET', '/faults')).faults,
      add: async (rule: FaultInput) => (await call<{ fault: FaultRule }>('POST', '/faults', rule)).fault,
      clear: async () => (await call<{ deleted: number }>('DELETE', '/faults')).deleted,
    },
    notifications: {
      list: async (filter: Query = {}) =>
        (await call<{ notifications: NotificationRecord[] }>('GET', '/notifications', undefined, filter))
          .notifications,
      get: (id: number) => call('GET', `/notifications/${id}`),
      redeliver: async (id: number) =>
        (await call<{ attempt: AttemptRecord }>('POST', `/notifications/${id}/redeliver`)).attempt,
    },
    requests: {
      list: async (filter: Query = {}) =>
        (await call<{ requests: JournalSummary[] }>('GET', '/requests', undefined, filter)).requests,
      get: (id: string | number) => call('GET', `/requests/${encodeURIComponent(String(id))}`),
    },
    resources: {
      list: async (family: string, filter: Query = {}) =>
        (
          await call<{ items: ControlResult[] }>(
            'GET',
            `/resources/${encodeURIComponent(family)}`,
            undefined,
            filter,
          )
        ).items,
      timeline: (family: string, key: string, filter: Query = {}) =>
        call(
          'GET',
          `/resources/${encodeURIComponent(family)}/${encodeURIComponent(key)}/timeline`,
          undefined,
          filter,
        ),
    },
    merchants: {
      list: () => call('GET', '/merchants'),
      clientOptions: (key: string) => call('GET', `/merchants/${encodeURIComponent(key)}/client-options`),
    },
    settings: {
      get: () => call('GET', '/settings'),
      update: (patch: ControlFields) => call('POST', '/settings', patch),
    },
    reset: (resetOptions: { clock?: boolean | string } = {}) =>
      call('POST', '/reset', resetOptions.clock === undefined ? undefined : { clock: resetOptions.clock }),
    actions: async () => (await call<{ actions: ControlActionDescriptor[] }>('GET', '/actions')).actions,
    platformCertificates: {
      list: () => call('GET', '/platform-certificates'),
      rotate: (options: { overlapMs?: number } = {}) =>
        call('POST', '/platform-certificates/rotate', options),
    },
    ...families,
  };
  return client as unknown as ControlClient;
}

/**
 * A control client for an emulator running elsewhere (`npx wxpay-emulator`, a container): checks that it answers,
 * reads its family actions, and returns the same typed client `startEmulator()` gives as `emulator.control`.
 */
export async function connectEmulator(
  url: string,
  options: { token?: string; fetch?: typeof fetch } = {},
): Promise<ControlClient> {
  const call = controlRequester({ url, token: options.token, fetch: options.fetch });
  let actions: ControlActionDescriptor[];
  try {
    actions = (await call<{ actions: ControlActionDescriptor[] }>('GET', '/actions')).actions;
  } catch (error) {
    if (error instanceof EmulatorControlError) throw error;
    throw new Error(`connectEmulator: no emulator answers at ${url} (${(error as Error).message})`, {
      cause: error,
    });
  }
  return createControlClient({
    url,
    token: options.token,
    actions,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
