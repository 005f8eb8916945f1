import { TRANSFER_SCENE_REPORT_INFO_TYPES } from '@wxpay-kit/sdk/catalogue';
import { ApiError } from '../../wire/api-error.js';
import type { Database } from '../family.js';

/** The scenes whose report-info rules are published [DOC 4013774588–4013774595]: what a merchant can have. */
export const KNOWN_TRANSFER_SCENES: readonly string[] = Object.keys(TRANSFER_SCENE_REPORT_INFO_TYPES);

/**
 * Merchants apply for transfer scenes in the merchant platform; a scene the merchant does not have is refused by
 * WeChat Pay, not by the field's format (`transfer_scene_id` is string(36)). The answer is the captured one,
 * 400 INVALID_REQUEST 你尚未获取该转账场景 (the wording of fail_reason TRANSFER_SCENE_INVALID [DOC 4013774966]).
 * `enabled` defaults to every published scene; the control API narrows it per merchant (`enabledTransferScenes`).
 */
export function checkTransferSceneEnabled(
  sceneId: string,
  mchid: string,
  enabled: readonly string[] = KNOWN_TRANSFER_SCENES,
): void {
  if (enabled.includes(sceneId)) return;
  throw new ApiError(
    400,
    'INVALID_REQUEST',
    `你尚未获取该转账场景，请确认转账场景ID是否正确 (transfer_scene_id ${sceneId} is not enabled for merchant ${mchid}; it has ${enabled.join(', ') || 'none'})`,
    {
      field: '/transfer_scene_id',
      value: sceneId,
      issue: `scene ${sceneId} is not enabled for this merchant`,
      location: 'body',
    },
  );
}

/**
 * The scenes each merchant has, as set through the control API: a merchant setting both transfer bills (the paying
 * merchant) and authorizations (the applicant) read. No row: every published scene.
 */
const SCENES_SCHEMA = `
CREATE TABLE IF NOT EXISTS merchant_transfer_scenes (
  mchid  TEXT PRIMARY KEY,
  scenes TEXT NOT NULL
);`;

/** Idempotent; every family that reads the scenes runs it at start. */
export function migrateTransferScenes(db: Database): void {
  db.exec(SCENES_SCHEMA);
}

export function enabledTransferScenes(db: Database, mchid: string): readonly string[] {
  const row = db.prepare('SELECT scenes FROM merchant_transfer_scenes WHERE mchid = ?').get(mchid) as
    | { scenes: string }
    | undefined;
  return row === undefined ? KNOWN_TRANSFER_SCENES : (JSON.parse(row.scenes) as string[]);
}

/** `undefined` restores every published scene. */
export function setEnabledTransferScenes(
  db: Database,
  mchid: string,
  scenes: readonly string[] | undefined,
): void {
  if (scenes === undefined) {
    db.prepare('DELETE FROM merchant_transfer_scenes WHERE mchid = ?').run(mchid);
    return;
  }
  db.prepare(
    `INSERT INTO merchant_transfer_scenes (mchid, scenes) VALUES (?, ?)
     ON CONFLICT (mchid) DO UPDATE SET scenes = excluded.scenes`,
  ).run(mchid, JSON.stringify(scenes));
}
