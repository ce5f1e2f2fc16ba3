// Where `(secret name)` gets values: the server's GET /api/run/secret/:name
// (server mode) or QUIRE_SECRET_<NAME> variables (local mode).
import type { HttpClient } from "../events/http-client.js";
import type { SecretSource } from "../runtime/context.js";

/** `deploy-token` → `QUIRE_SECRET_DEPLOY_TOKEN`. */
export function secretEnvName(name: string): string {
  return `QUIRE_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

export function envSecrets(env: NodeJS.ProcessEnv): SecretSource {
  return {
    async reveal(name) {
      return env[secretEnvName(name)];
    },
    names() {
      return Object.keys(env)
        .filter((k) => k.startsWith("QUIRE_SECRET_"))
        .map((k) => k.slice("QUIRE_SECRET_".length).toLowerCase().replace(/_/g, "-"));
    },
    missingHint(name) {
      return `a local run reads secrets from the environment: set ${secretEnvName(name)}=… (e.g. ${secretEnvName(name)}=value quire-ci run)`;
    },
  };
}

/**
 * Secrets from the server: asked for only when a pipeline's (secret …) calls
 * for one, naming the job, and kept, since the server reveals each name once
 * per run (a second ask is refused with 409).
 */
export function serverSecrets(client: HttpClient, known: readonly string[]): SecretSource {
  const cache = new Map<string, Promise<string | undefined>>();
  return {
    reveal(name, jobId) {
      let pending = cache.get(name);
      if (pending === undefined) {
        pending = fetchSecret(client, known, name, jobId);
        cache.set(name, pending);
        // A failed fetch is not kept: a later call asks again (and the server says whether it may).
        pending.catch(() => cache.delete(name));
      }
      return pending;
    },
    names() {
      return [...known];
    },
  };
}

async function fetchSecret(client: HttpClient, known: readonly string[], name: string, jobId: string | undefined): Promise<string | undefined> {
  if (!known.includes(name)) return undefined;
  const headers: Record<string, string> = jobId === undefined ? {} : { "x-quire-job": jobId };
  let lastError = "";
  for (let attempt = 0; attempt < 4; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 100 * 2 ** (attempt - 1)));
    let res;
    try {
      res = await client.request("GET", `/api/run/secret/${encodeURIComponent(name)}`, undefined, 10_000, undefined, headers);
    } catch (e) {
      lastError = (e as Error).message;
      continue;
    }
    if (res.status === 404) return undefined;
    if (res.status >= 200 && res.status < 300) {
      if (!res.contentType.includes("json")) return res.body;
      const parsed = JSON.parse(res.body) as unknown;
      return typeof parsed === "string" ? parsed : String((parsed as { value?: unknown }).value ?? "");
    }
    if (res.status === 409) {
      throw new Error(
        `the server already revealed secret ${JSON.stringify(name)} to this run, and reveals each secret once; ` +
          "something else may have asked for it with this run's token",
      );
    }
    lastError = `HTTP ${res.status}: ${res.body.slice(0, 200)}`;
    if (res.status < 500) break;
  }
  throw new Error(`the server did not reveal secret ${JSON.stringify(name)} (${lastError})`);
}
