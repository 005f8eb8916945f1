import { escapePointerToken, getAtPointer } from '../protocol/json-pointer.js';
import { RECHARGE_APPLY_PAGE, RECHARGE_SCENE_ACCOUNT_TYPES } from './recharges.js';
import type { Sources } from './schemas.js';
import { TRANSFER_USER_NAME_REQUIRED_FROM } from './transfer-bills.js';
import { TRANSFER_SCENE_REPORT_INFO_TYPES } from './transfer-scenes.js';

export type RuleLocation = 'url' | 'query' | 'body';

/** What every rule carries: where it applies, what to tell the caller, and the page that states it. */
interface RuleBase {
  readonly location: RuleLocation;
  readonly issue: string;
  /** The seed or official page that states the rule (see `ConstraintSource`); a test fails without one. */
  readonly source: Sources;
}

/** At least one of the fields must be present. */
export interface AtLeastOneRule extends RuleBase {
  readonly kind: 'atLeastOne';
  readonly fields: readonly string[];
}

/** When all fields are present they must name the same stored resource: only the emulator can tell. */
export interface SameResourceRule extends RuleBase {
  readonly kind: 'sameResource';
  readonly fields: readonly string[];
}

/** `dependent` must equal `pairs[value of key]` whenever the key has an entry. */
export interface PairedValuesRule extends RuleBase {
  readonly kind: 'pairedValues';
  readonly key: string;
  readonly dependent: string;
  readonly pairs: Readonly<Record<string, string>>;
}

/** Items of `array` must carry each value `required[value of selector]` lists in `itemKey`, exactly once. */
export interface RequiredItemsRule extends RuleBase {
  readonly kind: 'requiredItems';
  readonly selector: string;
  readonly array: string;
  readonly itemKey: string;
  readonly required: Readonly<Record<string, readonly string[]>>;
}

/** A test on the value at `field` (a JSON pointer into the part); an absent value never passes it. */
export type RuleCondition =
  | { readonly field: string; readonly equals: string | number | boolean }
  | { readonly field: string; readonly atLeast: number };

/**
 * `field` must be present whenever `when` holds. Both are JSON pointers, so nested members can be named
 * (`/payee_info/identity_info`); a condition on a member of an absent object simply does not hold, and a
 * required member of an absent object is left to the rule that requires the object.
 */
export interface RequiredWhenRule extends RuleBase {
  readonly kind: 'requiredWhen';
  readonly field: string;
  readonly when: RuleCondition;
}

export type CrossFieldRule =
  | AtLeastOneRule
  | SameResourceRule
  | PairedValuesRule
  | RequiredItemsRule
  | RequiredWhenRule;

/**
 * What every transfer create states: the scene's report infos, and user_name from 2,000 CNY on the create page
 * `page` of the operation (转账金额>=2,000元时，必须传入该值).
 */
function transferRules(page: Sources): readonly CrossFieldRule[] {
  return [
    {
      kind: 'requiredItems',
      location: 'body',
      selector: 'transfer_scene_id',
      array: 'transfer_scene_report_infos',
      itemKey: 'info_type',
      required: TRANSFER_SCENE_REPORT_INFO_TYPES,
      issue:
        '未传入完整且对应的转账场景报备信息，请根据接口文档检查 (transfer_scene_report_infos must report the info types the transfer scene requires)',
      // 转账场景报备信息字段说明, one page per scene; the message is the FAQ's [DOC 4013778940]
      source: ['DOC 4013774588'],
    },
    {
      kind: 'requiredWhen',
      location: 'body',
      field: '/user_name',
      when: { field: '/transfer_amount', atLeast: TRANSFER_USER_NAME_REQUIRED_FROM },
      issue: `转账金额达到2000元时须填写收款用户姓名 (user_name is required when transfer_amount is ${TRANSFER_USER_NAME_REQUIRED_FROM} fen, i.e. 2,000 CNY, or more)`,
      source: page,
    },
  ];
}

/** A5 also names its authorization. The partner A5 page was not available: the merchant twin states the rules. */
const AUTHORIZED_TRANSFER_RULES: readonly CrossFieldRule[] = [
  ...transferRules(['DOC 4014399371']),
  {
    kind: 'atLeastOne',
    location: 'body',
    fields: ['authorization_id', 'out_authorization_no'],
    issue: 'authorization_id与out_authorization_no二选一必填 (pass authorization_id or out_authorization_no)',
    // authorization_id: 与out_authorization_no二选一必填
    source: ['DOC 4014399371'],
  },
  {
    kind: 'sameResource',
    location: 'body',
    fields: ['authorization_id', 'out_authorization_no'],
    issue: 'authorization_id and out_authorization_no name different authorizations',
    source: ['DOC 4014399371'],
  },
];

/** A4 (both twins): 若已指定免确认收款授权参数，可不指定Openid。否则Openid为必填. */
function offerRules(page: Sources): readonly CrossFieldRule[] {
  return [
    ...transferRules(page),
    {
      kind: 'atLeastOne',
      location: 'body',
      fields: ['openid', 'authorization_info'],
      issue:
        '未指定免确认收款授权信息时，openid为必填 (pass openid, or authorization_info: then the user who confirms receives the transfer)',
      source: page,
    },
  ];
}

/**
 * Constraints a strict JSON schema cannot state cleanly, per operation name. The SDK and the emulator both
 * apply them after schema validation (`checkCrossFieldRules`); `sameResource` rules need stored state and are
 * left to the emulator.
 */
export const crossFieldRules: Readonly<Record<string, readonly CrossFieldRule[]>> = {
  'cancelWithdraws.apply': [
    {
      kind: 'requiredWhen',
      location: 'body',
      field: '/payee_info',
      when: { field: '/withdraw', equals: 'APPLY_WITHDRAW' },
      issue:
        '申请提现时须填写收款账户信息 (payee_info is required when withdraw is APPLY_WITHDRAW: the balances need an account to go to)',
      // withdraw: 填写后需要填写注销的提现银行卡信息
      source: ['DOC 4013892756'],
    },
    ...(
      [
        'identity_info',
        'identity_info/id_doc_type',
        'identity_info/identification_name',
        'identity_info/identification_no',
      ] as const
    ).map(
      (member): RequiredWhenRule => ({
        kind: 'requiredWhen',
        location: 'body',
        field: `/payee_info/${member}`,
        when: { field: '/payee_info/account_type', equals: 'ACCOUNT_TYPE_PERSONAL' },
        issue: `对私账户须填写证件信息 (payee_info/${member} is required for a personal account, account_type ACCOUNT_TYPE_PERSONAL)`,
        // identity_info: 当收款账户为付款到对私银行卡时…必填，以下 id_doc_type、identification_name、identification_no 必填
        source: ['DOC 4013892756'],
      }),
    ),
  ],
  'cancelWithdraws.confirm': [
    {
      kind: 'atLeastOne',
      location: 'body',
      fields: ['applyment_id', 'out_request_no'],
      issue: 'pass applyment_id or out_request_no (at least one)',
      // 跟out_request_no二选一传入; the page's own example passes both
      source: ['seed 002'],
    },
    {
      kind: 'sameResource',
      location: 'body',
      fields: ['applyment_id', 'out_request_no'],
      issue: 'applyment_id and out_request_no name different applications',
      source: ['seed 002'],
    },
  ],
  'recharges.apply': [
    {
      kind: 'pairedValues',
      location: 'body',
      key: 'recharge_scene',
      dependent: 'account_type',
      pairs: RECHARGE_SCENE_ACCOUNT_TYPES,
      issue: 'account_type must match recharge_scene',
      // account_type: 使用充值场景所支持的入账账户 (保证金 → 保证金账户, 运营资金 → 运营账户)
      source: [RECHARGE_APPLY_PAGE],
    },
  ],
  'transferBills.create': transferRules(['DOC 4012716434']),
  'transferBills.partnerCreate': transferRules(['DOC 4015469096']),
  'transferBills.preTransferWithAuthorization': offerRules(['DOC 4014399293']),
  'transferBills.partnerPreTransferWithAuthorization': offerRules(['DOC 4016809843']),
  'transferBills.transfer': AUTHORIZED_TRANSFER_RULES,
  'transferBills.partnerTransfer': AUTHORIZED_TRANSFER_RULES,
};

export interface CrossFieldViolation {
  readonly rule: CrossFieldRule['kind'];
  /** JSON pointer into the part named by `location`. */
  readonly field: string;
  readonly value: unknown;
  readonly issue: string;
  readonly location: RuleLocation;
}

export interface RequestParts {
  readonly params?: unknown;
  readonly query?: unknown;
  readonly body?: unknown;
}

function partOf(parts: RequestParts, location: RuleLocation): Record<string, unknown> {
  const part = location === 'url' ? parts.params : location === 'query' ? parts.query : parts.body;
  return typeof part === 'object' && part !== null ? (part as Record<string, unknown>) : {};
}

function holds(condition: RuleCondition, part: Record<string, unknown>): boolean {
  const value = getAtPointer(part, condition.field);
  return 'equals' in condition
    ? value === condition.equals
    : typeof value === 'number' && value >= condition.atLeast;
}

function checkRule(rule: CrossFieldRule, part: Record<string, unknown>): CrossFieldViolation[] {
  const at = (field: string, value: unknown, issue: string): CrossFieldViolation => ({
    rule: rule.kind,
    field,
    value,
    issue,
    location: rule.location,
  });
  switch (rule.kind) {
    case 'atLeastOne':
      return rule.fields.some((f) => part[f] !== undefined)
        ? []
        : [at(`/${escapePointerToken(rule.fields[0]!)}`, undefined, rule.issue)];
    case 'sameResource':
      return [];
    case 'pairedValues': {
      const key = part[rule.key];
      const expected = typeof key === 'string' ? rule.pairs[key] : undefined;
      const actual = part[rule.dependent];
      if (expected === undefined || actual === undefined || actual === expected) return [];
      return [
        at(
          `/${escapePointerToken(rule.dependent)}`,
          actual,
          `${rule.issue}: ${rule.key} ${key} needs ${expected}`,
        ),
      ];
    }
    case 'requiredItems': {
      const selector = part[rule.selector];
      const required = typeof selector === 'string' ? rule.required[selector] : undefined;
      const items = part[rule.array];
      if (!required || !Array.isArray(items)) return [];
      const arrayPointer = `/${escapePointerToken(rule.array)}`;
      const violations: CrossFieldViolation[] = [];
      for (const wanted of required) {
        const indexes = items.flatMap((item, i) =>
          typeof item === 'object' &&
          item !== null &&
          (item as Record<string, unknown>)[rule.itemKey] === wanted
            ? [i]
            : [],
        );
        if (indexes.length === 0) {
          violations.push(
            at(
              arrayPointer,
              items,
              `${rule.issue}: scene ${selector} needs ${rule.itemKey} ${wanted}, which is missing`,
            ),
          );
        }
        for (const i of indexes.slice(1)) {
          violations.push(
            at(
              `${arrayPointer}/${i}/${escapePointerToken(rule.itemKey)}`,
              wanted,
              `${rule.issue}: ${rule.itemKey} ${wanted} appears more than once`,
            ),
          );
        }
      }
      return violations;
    }
    case 'requiredWhen': {
      // A member of an absent object is not reported: the rule for the object itself says what is missing.
      const parent = rule.field.slice(0, rule.field.lastIndexOf('/'));
      const parentPresent = parent === '' || getAtPointer(part, parent) !== undefined;
      return holds(rule.when, part) && parentPresent && getAtPointer(part, rule.field) === undefined
        ? [at(rule.field, undefined, rule.issue)]
        : [];
    }
  }
}

/**
 * Checks the rules of an operation against a request that already passed schema validation. Returns every
 * violation (empty when the request is fine), each shaped like a PARAM_ERROR detail.
 */
export function checkCrossFieldRules(operation: string, parts: RequestParts): CrossFieldViolation[] {
  const rules = crossFieldRules[operation] ?? [];
  return rules.flatMap((rule) => checkRule(rule, partOf(parts, rule.location)));
}
