// Server mode: how `quire serve` runs a pipeline. QUIRE__SERVER_URL and
// QUIRE__RUN_TOKEN from the environment, --events FILE, --out-dir DIR, cwd the
// workspace. The bootstrap request goes out before the heavy modules load.
// Exit 0 whenever the pipeline was judged; non-zero only when quire-ci failed.
import { QuireCiError, ServerApiError } from "../errors.js";
import { HttpClient } from "../events/http-client.js";
import { parseArgs, stringFlag } from "./args.js";

// Kept in sync with @quire/shared (ENV_SERVER_URL, ENV_RUN_TOKEN); not imported
// here so the bootstrap request does not wait for the schema library to load.
const ENV_SERVER_URL = "QUIRE__SERVER_URL";
const ENV_RUN_TOKEN = "QUIRE__RUN_TOKEN";

export const SERVER_USAGE = `usage: quire-ci --events FILE --out-dir DIR   (server mode; cwd is the workspace)
  Needs ${ENV_SERVER_URL} and ${ENV_RUN_TOKEN} in the environment.`;

async function bootstrap(client: HttpClient): Promise<unknown> {
  let last = "";
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      const res = await client.request("GET", "/api/run/bootstrap");
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

export async function main(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, [{ name: "events", takesValue: true }, { name: "out-dir", takesValue: true }], SERVER_USAGE);
  const url = process.env[ENV_SERVER_URL];
  const token = process.env[ENV_RUN_TOKEN];
  if (!url || !token) throw new QuireCiError(`${ENV_SERVER_URL} and ${ENV_RUN_TOKEN} must be set\n${SERVER_USAGE}`);
  const eventsFile = stringFlag(args, "events");
  const outDirFlag = stringFlag(args, "out-dir");
  if (!eventsFile || !outDirFlag) throw new QuireCiError(`--events and --out-dir are required\n${SERVER_USAGE}`);
  if (args.positionals.length > 0) throw new QuireCiError(`unexpected argument ${args.positionals[0]}\n${SERVER_USAGE}`);
  let client: HttpClient;
  try {
    client = new HttpClient(url, token);
  } catch (e) {
    throw new QuireCiError((e as Error).message);
  }

  const started = bootstrap(client);
  started.catch(() => undefined); // handled below; avoid an unhandled rejection while modules load
  // The spawn helper starts while this process is still small (see runtime/launcher.ts).
  const launcher = (await import("../runtime/launcher.js")).startLauncher();
  const [rawPayload, shared, runMod, compileMod, emitterMod, jsonlMod, httpSinkMod, redactMod, secretsMod, reporterMod, fsMod, pathMod] =
    await Promise.all([
      started,
      import("@quire/shared"),
      import("../executor/run-pipeline.js"),
      import("../pipeline/compile.js"),
      import("../events/emitter.js"),
      import("../events/jsonl-sink.js"),
      import("../events/http-sink.js"),
      import("../runtime/redact.js"),
      import("./secrets.js"),
      import("./terminal-reporter.js"),
      import("node:fs"),
      import("node:path"),
    ]);
  let payload;
  try {
    payload = shared.parseBootstrapPayload(rawPayload);
  } catch (e) {
    throw new ServerApiError(`the bootstrap payload is malformed: ${(e as Error).message}`);
  }
  const path = pathMod.default;
  const fs = fsMod.default;
  const outDir = path.resolve(outDirFlag);
  fs.mkdirSync(outDir, { recursive: true });
  const warn = (m: string): void => void process.stderr.write(`quire-ci: ${m}\n`);

  const redactor = new redactMod.Redactor();
  const emitter = new emitterMod.EventEmitter(redactor);
  emitter.addSink(new jsonlMod.JsonlSink(path.resolve(eventsFile)));
  emitter.addSink(new httpSinkMod.HttpEventSink(client, { warn }));
  const log = new reporterMod.TerminalReporter(process.stderr, { color: false, prefixJobs: true, showOutput: false, timestamps: true });
  emitter.addSink(log);
  process.stderr.write(`${new Date().toISOString()} run ${payload.run_id} of ${payload.repo} ${payload.ref} at ${payload.sha}\n`);

  const result = await runMod.runPipeline({
    workspace: fs.realpathSync(process.cwd()),
    outDir,
    push: payload.push,
    secrets: secretsMod.serverSecrets(client, payload.secret_names),
    maxParallel: payload.settings.max_parallel_jobs,
    emitter,
    redactor,
    compile: await compileMod.fennelCompiler(),
    observer: log,
    warn,
    launcher,
  });
  launcher.close();
  await emitter.close();
  client.close();
  log.summary(result);
  return 0;
}
