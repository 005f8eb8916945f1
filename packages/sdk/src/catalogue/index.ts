export * from './authorizations.js';
export * from './authorizations-partner.js';
export * from './cancel-withdraws.js';
export * from './cross-field-rules.js';
export * from './find-operation.js';
export * from './notifications.js';
export { toOpenApi } from './openapi.js';
export * from './operations.js';
export * from './recharges.js';
export { toMarkdownReference } from './reference-markdown.js';
export * from './schema-validator.js';
export * from './schemas.js';
export * from './settled-states.js';
export * from './transfer-bills.js';
export * from './transfer-bills-authorized.js';
export * from './transfer-bills-merchant.js';
export * from './transfer-scenes.js';
export {
  type DocumentedError,
  defineOperation,
  type FamilyName,
  type MerchantRole,
  type NotificationSpec,
  type OperationInput as OperationSpecInput,
  type OperationOutput as OperationSpecOutput,
  type OperationSpec,
  type RateLimit,
  type SensitiveFields,
} from './types.js';
