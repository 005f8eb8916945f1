import type { Static, TSchema } from 'typebox';
import type { notifications } from '../catalogue/index.js';
import type { NotificationEvent } from './parse-notification.js';

type Spec = (typeof notifications)[keyof typeof notifications];

/** One event per event type of a spec (distributes over the spec's `eventTypes`). */
type EventsOf<S> = S extends { readonly eventTypes: readonly (infer E)[]; readonly resource: infer R }
  ? E extends string
    ? R extends TSchema
      ? NotificationEvent<Static<R>> & { event_type: E }
      : never
    : never
  : never;

/**
 * Every notification the catalogue documents, discriminated by `event_type`: `switch (event.event_type)` narrows
 * `event.resource` to that event's decrypted plaintext. Derived from the catalogue's notification rows, so a new
 * row is a new member. The resource is typed, not validated at run time: WeChat Pay adds fields over time.
 */
export type CatalogueNotificationEvent = EventsOf<Spec>;
