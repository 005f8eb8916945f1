import { type FamilyName, isOperationName, notificationList } from '@wxpay-kit/sdk/catalogue';
import type { FastifyInstance } from 'fastify';
import type { EmulatorRuntime } from '../core/create-runtime.js';
import { type RuntimeSettings, saveSettings } from '../core/settings.js';
import { assertRetrySchedule, retryScheduleFor, setRetrySchedule } from '../notify/retry-schedule.js';
import { CERTIFICATES_OPERATION } from '../wire/certificates.js';
import { ControlInputError, jsonBody, rejectUnknownKeys } from './control-input.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function boolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean')
    throw new ControlInputError(`${name} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

function applyProbe(settings: RuntimeSettings, value: unknown): void {
  if (typeof value === 'boolean') {
    settings.probe.enabled = value;
    return;
  }
  if (!isRecord(value))
    throw new ControlInputError('probe must be true, false or { "enabled"?: boolean, "fraction"?: 0…1 }');
  rejectUnknownKeys(value, ['enabled', 'fraction'], 'probe');
  if (value.fraction !== undefined) {
    const fraction = value.fraction;
    if (typeof fraction !== 'number' || !(fraction >= 0 && fraction <= 1)) {
      throw new ControlInputError(
        `probe.fraction must be a number from 0 to 1, got ${JSON.stringify(fraction)}`,
      );
    }
    settings.probe.fraction = fraction;
  }
  if (value.enabled !== undefined) settings.probe.enabled = boolean(value.enabled, 'probe.enabled');
}

function applyRateLimits(settings: RuntimeSettings, value: unknown): void {
  if (typeof value === 'boolean') {
    settings.rateLimits.enabled = value;
    return;
  }
  if (!isRecord(value)) {
    throw new ControlInputError(
      'rateLimits must be true, false or { "enabled"?: boolean, "perSecond"?: { "<operation>": n | null } }',
    );
  }
  rejectUnknownKeys(value, ['enabled', 'perSecond'], 'rateLimits');
  if (value.perSecond !== undefined) {
    if (!isRecord(value.perSecond))
      throw new ControlInputError('rateLimits.perSecond must be an object keyed by operation name');
    for (const [operation, rate] of Object.entries(value.perSecond)) {
      if (!isOperationName(operation) && operation !== CERTIFICATES_OPERATION) {
        throw new ControlInputError(`rateLimits.perSecond: unknown operation "${operation}"`);
      }
      if (rate === null) delete settings.rateLimits.perSecond[operation];
      else if (typeof rate === 'number' && rate > 0 && Number.isFinite(rate))
        settings.rateLimits.perSecond[operation] = rate;
      else
        throw new ControlInputError(
          `rateLimits.perSecond.${operation} must be a number > 0 or null (back to the catalogue rate)`,
        );
    }
  }
  if (value.enabled !== undefined) settings.rateLimits.enabled = boolean(value.enabled, 'rateLimits.enabled');
}

/** Validates the whole body first, then applies it, so a bad field changes nothing. */
function apply(settings: RuntimeSettings, body: Record<string, unknown>): void {
  rejectUnknownKeys(body, ['asyncStepMs', 'probe', 'rateLimits', 'allowInsecureNotifyUrls'], 'settings');
  const draft: RuntimeSettings = structuredClone(settings);
  if (body.asyncStepMs !== undefined) {
    const ms = body.asyncStepMs;
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new ControlInputError(`asyncStepMs must be a number of ms ≥ 0, got ${JSON.stringify(ms)}`);
    }
    draft.asyncStepMs = ms;
  }
  if (body.allowInsecureNotifyUrls !== undefined) {
    draft.allowInsecureNotifyUrls = boolean(body.allowInsecureNotifyUrls, 'allowInsecureNotifyUrls');
  }
  if (body.probe !== undefined) applyProbe(draft, body.probe);
  if (body.rateLimits !== undefined) applyRateLimits(draft, body.rateLimits);
  // Mutate in place: families, the rate limiter and the signer all hold this very object.
  settings.asyncStepMs = draft.asyncStepMs;
  settings.allowInsecureNotifyUrls = draft.allowInsecureNotifyUrls;
  Object.assign(settings.probe, draft.probe);
  settings.rateLimits.enabled = draft.rateLimits.enabled;
  for (const key of Object.keys(settings.rateLimits.perSecond)) delete settings.rateLimits.perSecond[key];
  Object.assign(settings.rateLimits.perSecond, draft.rateLimits.perSecond);
}

/** Families that send notifications, hence have a retry schedule. */
const NOTIFYING_FAMILIES = [...new Set(notificationList.map((spec) => spec.family))];

/** `{ "<family>": [delays…] | null }`: null goes back to the catalogue's schedule. Validated as a whole. */
function parseRetrySchedules(value: unknown): Array<[FamilyName, number[] | undefined]> {
  if (!isRecord(value)) {
    throw new ControlInputError(
      'retrySchedules must be an object keyed by family, e.g. {"recharges": [0, 15, 30]}',
    );
  }
  return Object.entries(value).map(([family, schedule]) => {
    if (!NOTIFYING_FAMILIES.includes(family as FamilyName)) {
      throw new ControlInputError(
        `retrySchedules.${family}: not a family that sends notifications (${NOTIFYING_FAMILIES.join(', ')})`,
      );
    }
    if (schedule === null) return [family as FamilyName, undefined];
    try {
      assertRetrySchedule(schedule, `retrySchedules.${family}`);
    } catch (error) {
      throw new ControlInputError((error as Error).message);
    }
    return [family as FamilyName, [...schedule]];
  });
}

function view(runtime: EmulatorRuntime) {
  const retrySchedules = Object.fromEntries(
    NOTIFYING_FAMILIES.map((family) => [family, retryScheduleFor(runtime.db, family)]),
  );
  return { ...runtime.settings, retrySchedules };
}

export function settingsRoutes(app: FastifyInstance, runtime: EmulatorRuntime): void {
  app.get('/settings', async () => view(runtime));
  app.post('/settings', async (request) => {
    const { retrySchedules, ...rest } = jsonBody(request);
    // Parsed before anything is applied, so a bad schedule changes no other setting either.
    const schedules = retrySchedules === undefined ? [] : parseRetrySchedules(retrySchedules);
    apply(runtime.settings, rest);
    saveSettings(runtime.db, runtime.settings, Object.keys(rest) as (keyof RuntimeSettings)[]);
    for (const [family, schedule] of schedules) setRetrySchedule(runtime.db, family, schedule);
    return view(runtime);
  });
}
