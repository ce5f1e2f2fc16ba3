// `quire hook post-receive` (declared in ./commands/hook.ts): run by a hosted repository's hook file. Reads the
// ref lines git gives on stdin, sends one push event to `quire serve` over
// <data>/server.sock and prints the queued runs. Whatever is not a confirmed
// answer (the server is down, stops answering, or could not queue it) spools
// the event for the server to queue later, and the hook still exits 0: the
// event carries a push id, so a push the server did queue is not run twice.
import { randomUUID } from "node:crypto";
import { realpath } from "node:fs/promises";
import path from "node:path";
// Types only: the schemas' runtime costs ~100 ms of start-up on every push; the server parses the event.
import type { PushEvent, RefUpdate } from "@quire/shared";
import { sendToServer } from "../push/client.js";
import { MAX_REQUEST_BYTES } from "../push/protocol.js";
import { spoolPush } from "../push/spool.js";
import { supersededMessage } from "../runs/stop-messages.js";
import type { CliContext, CommandRun } from "./context.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Parse git's `<old> <new> <ref>` lines; bad lines are reported and skipped. */
export function parseRefLines(text: string, warn: (line: string) => void): RefUpdate[] {
  const refs: RefUpdate[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const m = /^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) (refs\/\S+)$/.exec(line.trim());
    if (m === null) warn(`quire: ignoring a ref line that is not "<old-sha> <new-sha> <ref>": ${JSON.stringify(line)}`);
    else refs.push({ old_sha: m[1]!, new_sha: m[2]!, ref: m[3]! });
  }
  return refs;
}

/** The hosted name of the repository at `gitDir`, relative to the repositories directory. */
async function repoNameOf(gitDir: string, reposDir: string): Promise<string> {
  const [dir, root] = await Promise.all([realpath(gitDir), realpath(reposDir)]);
  const rel = path.relative(root, dir);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new Error(`this repository (${dir}) is not under ${root}; is QUIRE_DATA_DIR right in its hook?`);
  }
  return rel.split(path.sep).join("/");
}

async function notify(ctx: CliContext): Promise<number> {
  const warn = (line: string) => ctx.stderr.write(`${line}\n`);
  const refs = parseRefLines(await readStdin(), warn);
  if (refs.length === 0) return 0;
  const pusher = ctx.env.QUIRE_PUSHER || ctx.env.USER || ctx.env.LOGNAME || undefined;
  const event: PushEvent = {
    type: "push",
    push_id: randomUUID(),
    repo: await repoNameOf(ctx.env.GIT_DIR ?? ".", ctx.paths.repos),
    pushed_at_ms: Date.now(),
    ...(pusher === undefined ? {} : { pusher: pusher.slice(0, 200) }),
    refs,
  };
  const spool = async (why: string, when: string): Promise<number> => {
    try {
      await spoolPush(ctx.paths.dataDir, event);
      warn(`quire: warning: ${why}.`);
      warn(`quire: your push landed and is kept; its runs will be queued ${when}.`);
    } catch (e) {
      warn(`quire: warning: ${why}, and the push could not be kept for later: ${e instanceof Error ? e.message : String(e)}`);
      warn("quire: your push landed; use `quire ci retry` or push again to run CI.");
    }
    return 0;
  };
  // A push of thousands of refs is longer than a socket request may be: it goes through the spool.
  if (Buffer.byteLength(JSON.stringify(event)) + 1 > MAX_REQUEST_BYTES) {
    await spoolPush(ctx.paths.dataDir, event);
    const drained = await sendToServer(ctx.paths.socket, { type: "drain" });
    if (drained.status === "answered" && drained.reply.ok) {
      ctx.stderr.write(`quire: this push of ${refs.length} refs was handed over through the spool (${drained.reply.message ?? "queued"}); see \`quire ci runs\`\n`);
    } else {
      const why = drained.status === "answered" ? (drained.reply.ok ? "" : drained.reply.error) : drained.reason;
      warn(`quire: this push of ${refs.length} refs went to the spool (${why}); \`quire serve\` queues it within ${SPOOL_RECHECK_S} s of running.`);
    }
    return 0;
  }
  const result = await sendToServer(ctx.paths.socket, event);
  if (result.status === "answered") {
    const { reply } = result;
    if (!reply.ok) return spool(`the server could not queue this push: ${reply.error}`, `by \`quire serve\` within ${SPOOL_RECHECK_S} s`);
    for (const run of reply.runs ?? []) {
      ctx.stderr.write(`quire: run ${run.id} queued for ${run.ref}: ${run.url}\n`);
      for (const s of run.superseded ?? []) ctx.stderr.write(`quire: ${supersededMessage({ id: s.id, from: s.from, sinceMs: s.since_ms })}\n`);
    }
    for (const s of reply.skipped ?? []) ctx.stderr.write(`quire: no run for ${s.ref}: ${s.reason}\n`);
    return 0;
  }
  // The server may have queued the runs before it stopped answering: the push id makes a second try harmless.
  if (result.status === "no-answer") return spool(`the server did not confirm this push (${result.reason})`, "by `quire serve` unless it already did");
  return spool(`the server is not answering (${result.reason})`, "when `quire serve` is running again");
}

/** Seconds between the server's looks at the spool (push/attach.ts SPOOL_RECHECK_MS; not imported, to keep the hook fast). */
const SPOOL_RECHECK_S = 10;

/** `quire hook post-receive`. */
export const postReceive: CommandRun = async (ctx) => {
  try {
    return await notify(ctx);
  } catch (e) {
    // A hook failure must never make the pusher think the push failed: it landed.
    ctx.stderr.write(`quire: warning: post-receive could not notify the server: ${e instanceof Error ? e.message : String(e)}\n`);
    return 0;
  }
};
