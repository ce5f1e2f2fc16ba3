// PUT /api/run/files/PATH?offset=N (docs/SCALING.md): a runner streams the
// files of a remote run (events.jsonl, quire-ci.log, jobs/<job>/*.log) into
// the run directory here, as they grow. Each request appends at `offset`; a
// repeat of bytes already held is accepted and skipped, a gap is refused
// with the size the server has. Bearer run token; remote runs only.
import { closeSync, mkdirSync, openSync, statSync, writeSync } from "node:fs";
import path from "node:path";
import { Hono } from "hono";
import { HttpError } from "../../errors.js";
import { runDirs } from "../../runs/spawn.js";
import type { RunTokenEnv } from "../middleware/run-token.js";

/** The files a runner may write, relative to the run directory. */
const ALLOWED = /^(events\.jsonl|quire-ci\.log|jobs\/[^/]+\/[A-Za-z0-9][A-Za-z0-9._-]*\.log)$/;

export function filesRoute(runsDir: string, maxFileBytes: number) {
  return new Hono<RunTokenEnv>().put("/*", async (c) => {
    const run = c.get("run");
    if (run.launcher !== "remote" || run.runner === null) {
      throw new HttpError(403, "forbidden", `run ${run.id} is not a remote run held by a runner; its files are written where it runs`);
    }
    let rel: string;
    try {
      rel = decodeURIComponent(c.req.path.replace(/^.*?\/files\//, ""));
    } catch {
      throw new HttpError(400, "bad_request", "the file path is not valid percent-encoding");
    }
    if (!ALLOWED.test(rel) || rel.split("/").some((part) => part === "." || part === "..")) {
      throw new HttpError(400, "bad_request", `${JSON.stringify(rel)} is not a run file: send events.jsonl, quire-ci.log or jobs/<job>/<name>.log`);
    }
    const offsetText = c.req.query("offset") ?? "";
    if (!/^\d{1,15}$/.test(offsetText)) throw new HttpError(400, "bad_request", `?offset must be a whole number of bytes, got ${JSON.stringify(offsetText)}`);
    const offset = Number(offsetText);
    const bytes = Buffer.from(await c.req.arrayBuffer());
    const file = path.join(runDirs(runsDir, run.repo, run.id).runDir, ...rel.split("/"));
    mkdirSync(path.dirname(file), { recursive: true });
    const fd = openSync(file, "a");
    try {
      const size = statSync(file).size;
      if (offset > size) {
        throw new HttpError(409, "offset_mismatch", `${rel} has ${size} bytes here; send from offset ${size}`, { details: { size } });
      }
      const fresh = bytes.subarray(Math.min(bytes.length, size - offset));
      if (size + fresh.length > maxFileBytes) {
        throw new HttpError(413, "payload_too_large", `${rel} would grow past ${maxFileBytes} bytes (the run's log cap); the rest is not kept`);
      }
      if (fresh.length > 0) writeSync(fd, fresh);
      return c.json({ size: size + fresh.length });
    } finally {
      closeSync(fd);
    }
  });
}
