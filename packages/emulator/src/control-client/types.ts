/** Body fields of a POST action, query fields of a GET action, beside the path parameters. */
export type ControlFields = Record<string, unknown>;

/** A control reply: JSON, shaped by the route (the family's view of the resource, for family actions). */
export type ControlResult = Record<string, unknown>;

/** One family action: path parameters (an inferable `mchid` optional) beside its body or query fields. */
export type ControlCall<Params> = (input: Params & ControlFields) => Promise<ControlResult>;
