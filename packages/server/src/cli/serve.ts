// `quire serve [--port N] [--bind ADDR]` (declared in ./commands/serve.ts): runs the server on the data
// directory until SIGINT/SIGTERM. Flags override config.
import type { ServerConfig } from "../config/types.js";
import { startQuire } from "../serve/start.js";
import { ConfigFileError, loadConfigFile } from "../config/load.js";
import { attachMirrors } from "../mirror/attach.js";
import { attachNotifications } from "../notify/attach.js";
import { attachRetention } from "../retention/attach.js";
import { attachPushSocket, workspacePreparer } from "../push/attach.js";
import { socketAlive } from "../push/listener.js";
import type { CommandRun } from "./context.js";
import { DatabaseUnwritableError } from "../errors.js";

/** `quire serve [--port N] [--bind ADDR]`. */
export const serve: CommandRun = async (ctx) => {
  const overrides: Partial<ServerConfig> = {};
  const port = ctx.input.int("port");
  const bind = ctx.input.string("bind");
  if (port !== undefined) overrides.port = port;
  if (bind !== undefined) overrides.bind = bind;
  let fromFile: Partial<ServerConfig>;
  try {
    const loaded = await loadConfigFile(ctx.paths.config);
    for (const w of loaded.warnings) ctx.stderr.write(`quire: warning: ${w}\n`);
    fromFile = loaded.config;
  } catch (e) {
    if (!(e instanceof ConfigFileError)) throw e;
    ctx.stderr.write(`quire serve: ${e.message}\n`);
    return 1;
  }
  // Before anything touches the database: a second server would reconcile the
  // first one's active runs as orphans and kill their executors.
  if (await socketAlive(ctx.paths.socket)) {
    ctx.stderr.write(`quire serve: another quire serve is running on ${ctx.paths.dataDir} (it answers on ${ctx.paths.socket}); stop it first\n`);
    return 1;
  }
  const startedAtMs = Date.now();
  let quire;
  try {
    quire = await startQuire({
      dataDir: ctx.paths.dataDir,
      // Flags override the file (SPEC §8).
      config: { ...fromFile, ...overrides },
      prepare: workspacePreparer(ctx.paths.repos),
      log: (line) => ctx.stderr.write(`quire: ${line}\n`),
    });
  } catch (e) {
    if (!(e instanceof DatabaseUnwritableError)) throw e;
    ctx.stderr.write(`quire serve: ${e.message}; not started\n`);
    return 1;
  }
  try {
    attachNotifications(quire, { sinceMs: startedAtMs });
    attachMirrors(quire);
    await attachPushSocket(quire);
    attachRetention(quire);
  } catch (e) {
    await quire.close();
    throw e;
  }
  ctx.stdout.write(`quire serve: launcher ${quire.launchers.description}\n`);
  ctx.stdout.write(`quire serve: listening on ${quire.url} (data directory ${ctx.paths.dataDir})\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  ctx.stderr.write("quire serve: stopping\n");
  await quire.close();
  return 0;
};
