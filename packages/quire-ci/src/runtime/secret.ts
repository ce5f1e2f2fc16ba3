// `(secret name)`: reveals a named secret and registers its value for
// redaction from then on. Unknown names raise, listing the known ones.
import { fail, ok, type HostResult, type RuntimeContext } from "./context.js";

export async function secretPrimitive(ctx: RuntimeContext, name: unknown): Promise<HostResult> {
  if (typeof name !== "string" || name.length === 0) {
    return fail(`secret: expected a secret name such as :deploy-token, got ${name === null ? "nil" : typeof name}`);
  }
  let value: string | undefined;
  try {
    value = await ctx.secrets.reveal(name);
  } catch (e) {
    return fail(`secret: could not fetch ${JSON.stringify(name)}: ${(e as Error).message}`);
  }
  if (value === undefined) {
    const known = ctx.secrets.names();
    return fail(
      `secret: no secret named ${JSON.stringify(name)}; ` +
        (known.length > 0 ? `known secrets: ${known.join(", ")}` : "no secrets are configured for this run"),
    );
  }
  ctx.redactor.add(name, value);
  return ok(value);
}
