import type { WechatPayHooks } from './wechat-pay-options.js';

type HookName = keyof WechatPayHooks;
type HookArgument<K extends HookName> = Parameters<NonNullable<WechatPayHooks[K]>>[0];

/** Calls a user hook if set, swallowing whatever it throws or rejects with. */
export function callHook<K extends HookName>(
  hooks: WechatPayHooks,
  name: K,
  argument: HookArgument<K>,
): void {
  const hook = hooks[name] as ((argument: HookArgument<K>) => unknown) | undefined;
  if (!hook) return;
  try {
    const result = hook(argument);
    if (result instanceof Promise) result.catch(() => {});
  } catch {
    // A failing hook must not change the outcome of the call it observes.
  }
}
