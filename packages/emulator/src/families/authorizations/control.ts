import { ApiError } from '../../wire/api-error.js';
import type { ControlAction, FamilyDeps } from '../family.js';
import { advance } from './advance.js';
import { toEntity } from './entity.js';
import { type AuthorizationEvent, RISK_CLOSE_REASONS, type RiskCloseReason } from './machine.js';
import { NOT_FOUND_MESSAGE } from './routes.js';
import { type AuthorizationRecord, findAuthorization } from './store.js';

type Request = Parameters<ControlAction['handler']>[1];

function target(deps: FamilyDeps, request: Request): AuthorizationRecord {
  const mchid = request.params['mchid'] ?? '';
  const outNo = request.params['out_authorization_no'] ?? '';
  const record = findAuthorization(deps.db, mchid, outNo);
  if (!record) {
    throw new ApiError(
      404,
      'NOT_FOUND',
      `${NOT_FOUND_MESSAGE}: merchant ${mchid} has no authorization ${outNo}`,
    );
  }
  return record;
}

function riskCloseReason(body: unknown): RiskCloseReason {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['close_reason'] : undefined;
  if (!RISK_CLOSE_REASONS.includes(value as RiskCloseReason)) {
    const issue = `close_reason must be one of ${RISK_CLOSE_REASONS.join(', ')}`;
    throw new ApiError(400, 'PARAM_ERROR', issue, { field: '/close_reason', value, issue, location: 'body' });
  }
  return value as RiskCloseReason;
}

function action(
  path: string,
  summary: string,
  actor: ControlAction['actor'],
  event: (deps: FamilyDeps, request: Request) => AuthorizationEvent,
): ControlAction {
  return {
    method: 'POST',
    path,
    summary,
    actor,
    handler(deps, request) {
      const record = target(deps, request);
      const next = advance(deps, record, event(deps, request), deps.clock.now());
      return { status: 200, body: toEntity(next, deps.formatTime) };
    },
  };
}

/** The user's and WeChat Pay's side of an authorization, mounted under /_emulator/authorizations. */
export const control: ControlAction[] = [
  action(
    '/:mchid/:out_authorization_no/confirm',
    'The user agrees to the authorization in WeChat (WAIT_USER_CONFIRM → TAKING_EFFECT, notifies CONFIRMED)',
    'user',
    (deps) => ({ type: 'confirm', authorizationId: deps.newId('2012', 27) }),
  ),
  action(
    '/:mchid/:out_authorization_no/revoke',
    'The user revokes the authorization in WeChat (TAKING_EFFECT → CLOSED, USER_CLOSE, notifies CLOSED)',
    'user',
    () => ({ type: 'revoke' }),
  ),
  action(
    '/:mchid/:out_authorization_no/risk-close',
    'WeChat Pay closes the authorization: body {"close_reason": "TRANSFER_RISK" | "USER_ACCOUNT_ABNORMAL"}',
    'system',
    (_deps, request) => ({ type: 'riskClose', reason: riskCloseReason(request.body) }),
  ),
];
