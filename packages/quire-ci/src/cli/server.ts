// Server mode: how `quire serve` runs a pipeline. QUIRE__SERVER_URL from the
// environment, the run token from the fd QUIRE__TOKEN_FD names, --events FILE,
// --out-dir DIR, cwd the workspace. This part starts the bootstrap request (which makes the run
// active); it is all the program's entry loads before that request is out.
// server-run.ts, in the main bundle, does the rest. Exit 0 whenever the
// pipeline was judged; non-zero only when quire-ci failed.
import { QuireCiError, ServerApiError } from "../errors.js";
import { HttpClient } from "../events/http-client.js";
import { ENV_SERVER_URL, ENV_TOKEN_FD } from "../wire.js";
import { readRunToken } from "./run-token.js";
import type { CommandInput } from "@quire/cli-kit";

/** A server-mode run whose bootstrap request is in flight: what server-run.ts takes over. */
export interface ServerRun {
  client: HttpClient;
  /** The bootstrap answer, parsed JSON (not yet checked). */
  payload: Promise<unknown>;
  eventsFile: string;
  outDir: string;
}

/** How long the rest of quire-ci waits for the bootstrap request to leave before it loads. */
const SEND_FIRST_MS = 20;

async function bootstrap(client: HttpClient, onSent: () => void): Promise<unknown> {
  let last = "";
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      const res = await client.request("GET", "/api/run/bootstrap", undefined, 10_000, onSent);
      if (res.status === 200) {
        try {
          return JSON.parse(res.body) as unknown;
        } catch {
          throw new ServerApiError(`the bootstrap answer is not JSON: ${res.body.slice(0, 200)}`);
        }
      }
      last = `HTTP ${res.status}: ${res.body.slice(0, 300)}`;
      if (res.status < 500) throw new ServerApiError(`the server refused the bootstrap request (${last})`, { status: res.status });
    } catch (e) {
      if (e instanceof ServerApiError) throw e;
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
  }
  throw new ServerApiError(`could not fetch the bootstrap from the server (${last})`);
}

/**
 * Checks the arguments and environment, sends the bootstrap request, and
 * resolves once it has left (or after SEND_FIRST_MS): loading the rest takes
 * the CPU for a while. Usage errors throw QuireCiError.
 */
export async function startServerRun(input: CommandInput): Promise<ServerRun> {
  const url = process.env[ENV_SERVER_URL];
  if (!url || !process.env[ENV_TOKEN_FD]) {
    throw new QuireCiError(
      `${ENV_SERVER_URL} and ${ENV_TOKEN_FD} must be set: server mode is how \`quire serve\` runs a pipeline; to run one yourself, use \`quire-ci run\``,
    );
  }
  const token = readRunToken(process.env);
  const eventsFile = input.string("events");
  const outDir = input.string("out-dir");
  if (!eventsFile || !outDir) throw new QuireCiError("server mode needs --events FILE and --out-dir DIR (see `quire-ci --help`)");
  let client: HttpClient;
  try {
    client = new HttpClient(url, token);
  } catch (e) {
    throw new QuireCiError((e as Error).message);
  }
  let sent!: () => void;
  const requestSent = new Promise<void>((resolve) => (sent = resolve));
  const payload = bootstrap(client, () => sent());
  payload.catch(() => undefined); // awaited in server-run.ts; avoid an unhandled rejection meanwhile
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([requestSent, new Promise((r) => (timer = setTimeout(r, SEND_FIRST_MS)))]);
  clearTimeout(timer);
  return { client, payload, eventsFile, outDir };
}
