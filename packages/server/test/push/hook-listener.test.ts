// The push path with real parts: `git push` into a repository made by
// `quire repo new`, its post-receive hook (the built binary) talking to a
// listener on a real Unix socket, and what the pusher sees back.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { readdir, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import type { PushEvent } from "@quire/shared";
import { startPushListener, type PushListener } from "../../src/push/listener.js";
import type { NewRunInput } from "../../src/push/trigger.js";
import { drainSpool, spoolDir } from "../../src/push/spool.js";
import { triggerPush } from "../../src/push/trigger.js";
import { commitFiles, git, gitAsync, quire, tempDir, workTree } from "../git/git-helpers.js";

let data: string;
let work: string;
let listener: PushListener | undefined;
const created: NewRunInput[] = [];
const logs: string[] = [];
let wakes = 0;

const target = () => ({
  reposDir: path.join(data, "repos"),
  createRun: (input: NewRunInput) => {
    created.push(input);
    return { id: `run-${created.length}` };
  },
  wake: () => void wakes++,
  runUrl: (repo: string, id: string) => `http://forge.test/${repo}/runs/${id}`,
});

async function listen(): Promise<void> {
  listener = await startPushListener({ ...target(), socketPath: path.join(data, "server.sock"), log: (l) => logs.push(l) });
}

beforeAll(async () => {
  data = await tempDir("quire-push-");
  expect(quire(data, ["repo", "new", "app"]).status).toBe(0);
  work = await workTree(path.join(data, "repos", "app.git"));
});
afterAll(async () => {
  await listener?.close();
  await rm(data, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});
beforeEach(() => {
  created.length = 0;
  logs.length = 0;
  wakes = 0;
});

function send(line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.createConnection(path.join(data, "server.sock"));
    let out = "";
    s.on("connect", () => s.end(line));
    s.on("data", (d) => (out += d));
    s.on("close", () => resolve(out));
    s.on("error", reject);
  });
}

describe("post-receive hook and push socket", () => {
  it("warns, exits 0 and keeps the event when the server is down; the push lands", async () => {
    const sha = await commitFiles(work, { "README.md": "hello\n", ".quire/ci.fnl": "; pipeline\n" }, "first commit");
    const r = await gitAsync(work, ["push", "origin", "main"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/remote: quire: warning: the server is not answering \(no socket at .*server\.sock\)/);
    expect(r.stderr).toMatch(/remote: quire: your push landed and is kept; its runs will be queued when `quire serve` is running again/);
    expect(git(path.join(data, "repos", "app.git"), ["rev-parse", "main"]).trim()).toBe(sha);
    const spooled = await readdir(spoolDir(data));
    expect(spooled).toHaveLength(1);

    // The next server start queues it.
    const events: PushEvent[] = [];
    const n = await drainSpool(data, async (e) => {
      events.push(e);
      await triggerPush(e, target());
    }, (l) => logs.push(l));
    expect(n).toBe(1);
    expect(events[0]).toMatchObject({ type: "push", repo: "app.git", refs: [{ ref: "refs/heads/main", new_sha: sha }] });
    expect(events[0]!.push_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created[0]!.push).toMatchObject({ sha, branch: "main", tag: null, previous_sha: null, commit_message: "first commit" });
    expect(created[0]!.push.files_changed.sort()).toEqual([".quire/ci.fnl", "README.md"]);
    expect(await readdir(spoolDir(data))).toEqual([]);
  });

  it("sends one event per push and prints one line per queued run with its URL", async () => {
    await listen();
    const before = git(work, ["rev-parse", "HEAD"]).trim();
    const sha = await commitFiles(work, { "src/a.txt": "a\n" }, "add a\n\nwith a body");
    git(work, ["branch", "feature"]);
    const pushStarted = Date.now();
    const r = await gitAsync(work, ["push", "origin", "main", "feature"], { QUIRE_PUSHER: "ana" });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("remote: quire: run run-1 queued for refs/heads/main: http://forge.test/app.git/runs/run-1");
    expect(r.stderr).toContain("remote: quire: run run-2 queued for refs/heads/feature: http://forge.test/app.git/runs/run-2");
    expect(created.map((c) => c.ref).sort()).toEqual(["refs/heads/feature", "refs/heads/main"]);
    const main = created.find((c) => c.ref === "refs/heads/main")!;
    expect(main).toMatchObject({ repo: "app.git", sha });
    expect(main.push).toEqual({
      sha,
      ref: "refs/heads/main",
      branch: "main",
      tag: null,
      previous_sha: before,
      files_changed: ["src/a.txt"],
      pusher: "ana",
      commit_message: "add a\n\nwith a body",
      repo: "app.git",
      // When the hook ran: what pipelines see as push.pushed-at.
      pushed_at_ms: expect.any(Number),
    });
    expect(main.push.pushed_at_ms).toBeGreaterThanOrEqual(pushStarted);
    expect(main.push.pushed_at_ms).toBeLessThanOrEqual(Date.now());
    const feature = created.find((c) => c.ref === "refs/heads/feature")!;
    expect(feature.push.previous_sha).toBeNull();
    expect(feature.push.files_changed).toEqual(["src/a.txt"]);
    expect(wakes).toBe(1);
  });

  it("queues a run for a tag (peeled to its commit) and none for a deleted branch", async () => {
    const head = git(work, ["rev-parse", "HEAD"]).trim();
    git(work, ["tag", "-a", "v1.0", "-m", "release"]);
    const r = await gitAsync(work, ["push", "origin", "v1.0", ":feature"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain("remote: quire: run run-1 queued for refs/tags/v1.0");
    expect(r.stderr).toContain("remote: quire: no run for refs/heads/feature: the ref was deleted");
    expect(created).toHaveLength(1);
    expect(created[0]!.push).toMatchObject({ sha: head, ref: "refs/tags/v1.0", branch: null, tag: "v1.0", previous_sha: null });
  });

  it("a pushed tree without .quire/ci.fnl starts no run, and says why", async () => {
    const other = await workTree(path.join(data, "repos", "app.git"));
    const sha = await commitFiles(other, { "plain.txt": "no pipeline here\n" }, "no ci");
    const r = await gitAsync(other, ["push", "origin", "HEAD:refs/heads/no-ci"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`remote: quire: no run for refs/heads/no-ci: no .quire/ci.fnl in ${sha.slice(0, 12)}`);
    expect(created).toEqual([]);
    expect(wakes).toBe(0);
    await rm(other, { recursive: true, force: true });
  });

  it("a push of only a deletion queues nothing and does not wake the queue", async () => {
    expect((await gitAsync(work, ["push", "-q", "origin", "main:gone"])).status).toBe(0);
    created.length = 0;
    wakes = 0;
    const r = await gitAsync(work, ["push", "origin", ":gone"]);
    expect(r.status).toBe(0);
    expect(created).toEqual([]);
    expect(wakes).toBe(0);
  });

  it.each([
    ["not json\n", /not JSON/],
    ['{"type":"push"}\n', /invalid push event/],
    ['{"type":"push","repo":"app.git","pushed_at_ms":1,"refs":[{"ref":"main","old_sha":"x","new_sha":"y"}]}\n', /field "refs\.0\.ref"/],
    [`{"type":"push","repo":"../etc","pushed_at_ms":1,"refs":[{"ref":"refs/heads/main","old_sha":"${"0".repeat(40)}","new_sha":"${"a".repeat(40)}"}]}\n`, /invalid repository name/],
    [`{"type":"push","repo":"ghost","pushed_at_ms":1,"refs":[{"ref":"refs/heads/main","old_sha":"${"0".repeat(40)}","new_sha":"${"a".repeat(40)}"}]}\n`, /no repository "ghost\.git"/],
    ['{"type":"reboot"}\n', /unknown request type "reboot"/],
    ["[1,2]\n", /unknown request type/],
    ['{"type":"cancel"}\n', /cancel needs "run_id"/],
    ['{"type":"push"', /ended without a newline/],
  ])("refuses %j with a logged reason and keeps serving", async (line, message) => {
    const reply = JSON.parse(await send(line)) as { ok: boolean; error: string };
    expect(reply.ok).toBe(false);
    expect(reply.error).toMatch(message);
    expect(logs.join("\n")).toMatch(/push socket: refused a request/);
    expect(JSON.parse(await send('{"type":"wake"}\n'))).toEqual({ ok: true });
  });

  it("a sha the repository does not have is skipped with a reason", async () => {
    const line = JSON.stringify({
      type: "push",
      repo: "app",
      pushed_at_ms: 1,
      refs: [{ ref: "refs/heads/main", old_sha: "0".repeat(40), new_sha: "b".repeat(40) }],
    });
    const reply = JSON.parse(await send(line + "\n")) as { ok: boolean; skipped: { reason: string }[] };
    expect(reply.ok).toBe(true);
    expect(reply.skipped[0]!.reason).toMatch(/cannot read b{40} from git/);
  });

  it("refuses a second listener on a live socket and replaces a stale socket file", async () => {
    await expect(startPushListener({ ...target(), socketPath: path.join(data, "server.sock"), log: () => {} })).rejects.toThrow(
      /another quire serve is already listening/,
    );
    await listener!.close();
    listener = undefined;
    expect(existsSync(path.join(data, "server.sock"))).toBe(false);
    // A dead server's socket file stays behind; a regular file stands in for it here.
    await writeFile(path.join(data, "server.sock"), "");
    await listen();
    expect(JSON.parse(await send('{"type":"wake"}\n'))).toEqual({ ok: true });
  });
});
