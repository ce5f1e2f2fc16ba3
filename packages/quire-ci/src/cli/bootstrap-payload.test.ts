// The lean bootstrap check and the shared schema agree on every verdict.
import { parseBootstrapPayload } from "@quire/shared";
import { describe, expect, it } from "vitest";
import { checkBootstrapPayload } from "./bootstrap-payload.js";

const good = {
  run_id: "r1",
  repo: "demo.git",
  ref: "refs/heads/main",
  sha: "a".repeat(40),
  queued_at_ms: 1,
  started_at_ms: 2,
  push: {
    sha: "a".repeat(40),
    ref: "refs/heads/main",
    branch: "main",
    tag: null,
    previous_sha: null,
    files_changed: ["README.md"],
    pusher: null,
    commit_message: "m",
    repo: "demo.git",
  },
  secret_names: ["TOKEN"],
  settings: { max_parallel_jobs: 2 },
};

type Edit = (p: Record<string, any>) => void;
const edits: Record<string, Edit> = {
  "as sent": () => {},
  "sha-256 names": (p) => ((p.push.sha = "b".repeat(64)), (p.push.previous_sha = "c".repeat(64))),
  "a tag push": (p) => ((p.push.branch = null), (p.push.tag = "v1")),
  "empty run id": (p) => (p.run_id = ""),
  "missing repo": (p) => delete p.repo,
  "numeric ref": (p) => (p.ref = 3),
  "fractional time": (p) => (p.queued_at_ms = 1.5),
  "time as text": (p) => (p.started_at_ms = "2"),
  "unknown top-level key": (p) => (p.extra = 1),
  "unknown push key": (p) => (p.push.extra = 1),
  "unknown settings key": (p) => (p.settings.extra = 1),
  "short push sha": (p) => (p.push.sha = "abc"),
  "uppercase previous sha": (p) => (p.push.previous_sha = "A".repeat(40)),
  "files as text": (p) => (p.push.files_changed = "README.md"),
  "a file that is a number": (p) => (p.push.files_changed = [1]),
  "missing pusher": (p) => delete p.push.pusher,
  "secret names not strings": (p) => (p.secret_names = [null]),
  "no parallel jobs": (p) => (p.settings.max_parallel_jobs = 0),
  "settings missing": (p) => delete p.settings,
  "log caps": (p) => ((p.settings.sh_log_cap_bytes = 1024), (p.settings.run_log_cap_bytes = 0)),
  "negative log cap": (p) => (p.settings.sh_log_cap_bytes = -1),
  "fractional log cap": (p) => (p.settings.run_log_cap_bytes = 1.5),
  "a free-space reserve": (p) => (p.settings.log_free_space_bytes = 256 * 1024 * 1024),
  "no free-space reserve": (p) => (p.settings.log_free_space_bytes = 0),
  "a negative free-space reserve": (p) => (p.settings.log_free_space_bytes = -1),
  "a memory limit": (p) => (p.settings.pipeline_memory_bytes = 64 * 1024 * 1024),
  "a zero memory limit": (p) => (p.settings.pipeline_memory_bytes = 0),
  "a fractional memory limit": (p) => (p.settings.pipeline_memory_bytes = 1.5),
  "push is an array": (p) => (p.push = []),
  "with the push time": (p) => (p.push.pushed_at_ms = 1767225600000),
  "a negative push time": (p) => (p.push.pushed_at_ms = -1),
  "a push time as text": (p) => (p.push.pushed_at_ms = "2026-01-01T00:00:00Z"),
};

describe("checkBootstrapPayload", () => {
  for (const [name, edit] of Object.entries(edits)) {
    it(`agrees with the shared schema: ${name}`, () => {
      const p = structuredClone(good) as Record<string, any>;
      edit(p);
      let schemaOk = true;
      try {
        parseBootstrapPayload(p);
      } catch {
        schemaOk = false;
      }
      if (schemaOk) expect(checkBootstrapPayload(p)).toEqual(p);
      else expect(() => checkBootstrapPayload(p)).toThrow(/\S/);
    });
  }

  it("names the field that is wrong", () => {
    const p = structuredClone(good) as Record<string, any>;
    p.push.sha = "abc";
    expect(() => checkBootstrapPayload(p)).toThrow("push.sha: expected a full lowercase hex object name");
    expect(() => checkBootstrapPayload(null)).toThrow("expected an object");
  });
});
