// `quire serve [--port N] [--bind ADDR]`: runs the server on the data
// directory until SIGINT/SIGTERM. Flags override config.
import type { ServerConfig } from "../config/types.js";
import { startQuire } from "../serve/start.js";
import { ConfigFileError, loadConfigFile } from "../config/load.js";
import { attachPushSocket, workspacePreparer } from "../push/attach.js";
import { socketAlive } from "../push/listener.js";
import { UsageError, type Command } from "./context.js";

/** Parse serve's own flags into config overrides. */
export function parseServeArgs(args: string[]): Partial<ServerConfig> {
  const out: Partial<ServerConfig> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--port") {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n > 65535) throw new UsageError(`--port must be a number 0–65535, got ${JSON.stringify(v)}`);
      out.port = n;
    } else if (flag === "--bind") {
      out.bind = value();
    } else {
      throw new UsageError(`serve: unknown argument ${JSON.stringify(a)}; usage: quire serve [--port N] [--bind ADDR] [--data-dir DIR]`);
    }
  }
  return out;
}

export const serveCommand: Command = async (ctx) => {
  const overrides = parseServeArgs(ctx.args);
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
  const quire = await startQuire({
    dataDir: ctx.paths.dataDir,
    // Flags override the file (SPEC §8).
    config: { ...fromFile, ...overrides },
    prepare: workspacePreparer(ctx.paths.repos),
    log: (line) => ctx.stderr.write(`quire: ${line}\n`),
  });
  try {
    await attachPushSocket(quire);
  } catch (e) {
    await quire.close();
    throw e;
  }
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
