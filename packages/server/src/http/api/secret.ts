// GET /api/run/secret/:name (SPEC §6): reveals one configured secret to an
// authenticated, non-terminal run as `{name, value}`. File-backed secrets are
// read at use, with one trailing newline stripped.
import { readFile } from "node:fs/promises";
import { Hono } from "hono";
import type { SecretSource, ServerConfig } from "../../config/types.js";
import { HttpError } from "../../errors.js";
import type { RunTokenEnv } from "../middleware/run-token.js";

/** The value of a secret source: the string itself, or its file's text minus one trailing newline. */
export async function readSecret(source: SecretSource): Promise<string> {
  if (typeof source === "string") return source;
  const text = await readFile(source.file, "utf8");
  return text.replace(/\r?\n$/, "");
}

export function secretRoute(config: Pick<ServerConfig, "secrets">) {
  return new Hono<RunTokenEnv>().get("/:name", async (c) => {
    const name = c.req.param("name");
    const source = Object.hasOwn(config.secrets, name) ? config.secrets[name] : undefined;
    if (source === undefined) {
      const known = Object.keys(config.secrets).sort();
      throw new HttpError(404, "not_found", `no secret named ${JSON.stringify(name)}; configured: ${known.length ? known.join(", ") : "none"} (:secrets in config.fnl)`);
    }
    let value: string;
    try {
      value = await readSecret(source);
    } catch (e) {
      throw new HttpError(500, "secret_unreadable", `secret ${JSON.stringify(name)} could not be read from its file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    c.header("Cache-Control", "no-store");
    return c.json({ name, value });
  });
}
