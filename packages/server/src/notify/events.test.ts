import { afterEach, beforeEach, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { PushOutputs } from "@quire/shared";
import { openDatabase, type Db } from "../db/open.js";
import { createRun } from "../runs/create.js";
import { transitionRun } from "../runs/transition.js";
import { noticeFor } from "./events.js";

let dir: string;
let db: Db;
let clock = 1000;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "quire-notice-"));
  db = openDatabase(path.join(dir, "quire.db"));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const SHA = "a".repeat(40);
function run(ref: string, end: "complete" | "failed" | "superseded" | "active") {
  const push: PushOutputs = { sha: SHA, ref, branch: ref.replace("refs/heads/", ""), tag: null, previous_sha: null, files_changed: [], pusher: null, commit_message: "m", repo: "app.git" };
  const { run } = createRun(db, { repo: "app.git", ref, sha: SHA, push, nowMs: (clock += 10) });
  if (end === "superseded") return transitionRun(db, run.id, "pending", "superseded", { nowMs: clock });
  const active = transitionRun(db, run.id, "pending", "active", { nowMs: clock });
  if (end === "active") return active;
  return transitionRun(db, run.id, "active", end, { failureKind: end === "failed" ? "pipeline-failure" : undefined, nowMs: clock });
}

it("a failed run is ci-failed; the first success after it is ci-fixed; the next success is nothing", () => {
  expect(noticeFor(db, run("refs/heads/main", "complete"))).toBeNull();
  const failed = run("refs/heads/main", "failed");
  expect(noticeFor(db, failed)).toEqual({ event: "ci-failed", previousRunId: null });
  expect(noticeFor(db, run("refs/heads/main", "failed"))).toEqual({ event: "ci-failed", previousRunId: null });
  const fix = run("refs/heads/main", "complete");
  expect(noticeFor(db, fix)?.event).toBe("ci-fixed");
  expect(noticeFor(db, run("refs/heads/main", "complete"))).toBeNull();
});

it("superseded runs count for neither, and other refs are their own history", () => {
  const failed = run("refs/heads/main", "failed");
  run("refs/heads/main", "superseded");
  run("refs/heads/other", "complete");
  const fix = run("refs/heads/main", "complete");
  expect(noticeFor(db, fix)).toEqual({ event: "ci-fixed", previousRunId: failed.id });
  expect(noticeFor(db, run("refs/heads/other", "complete"))).toBeNull();
});

it("a run that is not terminal raises nothing", () => {
  run("refs/heads/main", "failed");
  expect(noticeFor(db, run("refs/heads/main", "active"))).toBeNull();
});
