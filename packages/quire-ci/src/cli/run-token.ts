// The run token in server mode: read once from the file descriptor that
// QUIRE__TOKEN_FD names (the server writes one line and closes it), then the
// descriptor is closed, so no command of the run inherits it. The token is
// never in the environment, where a command could read it from /proc.
import fs from "node:fs";
import { QuireCiError } from "../errors.js";
import { ENV_TOKEN_FD } from "../wire.js";

export function readRunToken(env: NodeJS.ProcessEnv): string {
  if (env.QUIRE__RUN_TOKEN !== undefined) {
    throw new QuireCiError(`QUIRE__RUN_TOKEN is not read from the environment: pass the token on a file descriptor named by ${ENV_TOKEN_FD}`);
  }
  const text = env[ENV_TOKEN_FD] ?? "";
  const fd = Number(text);
  if (!/^\d+$/.test(text) || fd < 3) throw new QuireCiError(`${ENV_TOKEN_FD} must name an open file descriptor number ≥ 3, got ${JSON.stringify(text)}`);
  let token: string;
  try {
    token = fs.readFileSync(fd, "utf8").trim();
  } catch (e) {
    throw new QuireCiError(`cannot read the run token from file descriptor ${fd} (${ENV_TOKEN_FD}): ${(e as Error).message}`);
  } finally {
    try {
      fs.closeSync(fd);
    } catch {
      // Already closed.
    }
  }
  if (token === "" || /\s/.test(token)) throw new QuireCiError(`file descriptor ${fd} (${ENV_TOKEN_FD}) held no run token`);
  return token;
}
