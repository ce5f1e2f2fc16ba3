// `(secret name)`: reveals a named secret and registers its value for
// redaction from then on. Unknown names raise, listing the known ones and
// how to provide one; a value too short to redact is warned about in the
// job's log at its first use.
import { fail, ok, type HostResult, type RuntimeContext } from "./context.js";
import { logPrimitive } from "./log.js";
import { REDACTION_MIN_BYTES } from "./redact.js";

export async function secretPrimitive(ctx: RuntimeContext, jobId: string, name: unknown): Promise<HostResult> {
  if (typeof name !== "string" || name.length === 0) {
    return fail(`secret: expected a secret name such as :deploy-token, got ${name === null ? "nil" : typeof name}`);
  }
  let value: string | undefined;
  try {
    value = await ctx.secrets.reveal(name, jobId);
  } catch (e) {
    return fail(`secret: could not fetch ${JSON.stringify(name)}: ${(e as Error).message}`);
  }
  if (value === undefined) {
    const known = ctx.secrets.names();
    const hint = ctx.secrets.missingHint?.(name);
    return fail(
      `secret: no secret named ${JSON.stringify(name)}; ` +
        (known.length > 0 ? `known secrets: ${known.join(", ")}` : "no secrets are configured for this run") +
        (hint ? `; ${hint}` : ""),
    );
  }
  if (ctx.redactor.firstShortUse(name, value)) {
    logPrimitive(
      ctx,
      jobId,
      `warning: secret ${JSON.stringify(name)} is shorter than ${REDACTION_MIN_BYTES} bytes, so it is not redacted from logs, commands or events; use a longer value`,
    );
  }
  ctx.redactor.add(name, value);
  return ok(value);
}
