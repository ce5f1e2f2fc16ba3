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

export function serverSecrets(client: HttpClient, known: readonly string[]): SecretSource {
  const cache = new Map<string, string>();
  return {
    async reveal(name) {
      const hit = cache.get(name);
      if (hit !== undefined) return hit;
      if (!known.includes(name)) return undefined;
      let lastError = "";
      for (let attempt = 0; attempt < 4; attempt++) {
        try {
          const res = await client.request("GET", `/api/run/secret/${encodeURIComponent(name)}`);
          if (res.status === 404) return undefined;
          if (res.status >= 200 && res.status < 300) {
            let value = res.body;
            if (res.contentType.includes("json")) {
              const parsed = JSON.parse(res.body) as unknown;
              value = typeof parsed === "string" ? parsed : String((parsed as { value?: unknown }).value ?? "");
            }
            cache.set(name, value);
            return value;
          }
          lastError = `HTTP ${res.status}: ${res.body.slice(0, 200)}`;
          if (res.status < 500) break;
        } catch (e) {
          lastError = (e as Error).message;
        }
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
      throw new Error(`the server did not reveal secret ${JSON.stringify(name)} (${lastError})`);
    },
    names() {
      return [...known];
    },
  };
}
