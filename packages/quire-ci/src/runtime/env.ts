// `(env name)`: a variable of the environment sh commands inherit (QUIRE__*
// variables are not visible); nil when unset.
import { fail, ok, type HostResult, type RuntimeContext } from "./context.js";

export function envPrimitive(ctx: RuntimeContext, name: unknown): HostResult {
  if (typeof name !== "string" || name.length === 0) {
    return fail(`env: expected a variable name such as "HOME", got ${name === null ? "nil" : typeof name}`);
  }
  return ok(ctx.baseEnv[name]);
}
