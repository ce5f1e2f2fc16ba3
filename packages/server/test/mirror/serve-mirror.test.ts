// Mirroring through a real `quire serve`: a git push into a repository made
// by `quire repo new` reaches an authenticated smart-HTTP target that hangs;
// the push returns while the mirror push is still in flight.
import { afterAll, beforeAll, expect, it } from "vitest";
import { rm } from "node:fs/promises";
import path from "node:path";
import { startServe, type Serve } from "../e2e/harness.js";
import { openDatabase } from "../../src/db/open.js";
import { getMirrorStatus } from "../../src/mirror/status.js";
import { commitFiles, git, gitAsync, quire, tempDir, workTree } from "../git/git-helpers.js";
import { waitFor } from "../helpers.js";
import { startHttpRemote, type HttpRemote } from "./http-remote.js";

const TOKEN = "tok-3c2b1a0f9e8d7c6b";
let data: string;
let serve: Serve;
let remote: HttpRemote;
let release: () => void;

beforeAll(async () => {
  data = await tempDir("quire-serve-mirror-");
  expect(quire(data, ["repo", "new", "hello"]).status).toBe(0);
  git(data, ["init", "-q", "--bare", "-b", "main", path.join(data, "remote", "hello.git")]);
  remote = await startHttpRemote({
    root: path.join(data, "remote"),
    credentials: `${TOKEN}:x-oauth-basic`,
    gate: new Promise<void>((resolve) => (release = resolve)),
  });
  serve = await startServe(data, `{:secrets {:github-token "${TOKEN}"} :retry-delays [0.2]}\n`);
});
afterAll(async () => {
  release();
  await serve?.stop();
  await remote?.close();
  await rm(data, { recursive: true, force: true });
});

it("a push returns at once while its mirror push hangs, and lands on the target later", async () => {
  const work = await workTree(path.join(data, "repos", "hello.git"));
  const sha = await commitFiles(work, { ".quire/config.fnl": `{:mirrors {"${remote.url}/hello.git" :github-token}}\n` }, "mirror me");
  const pushed = await gitAsync(work, ["push", "origin", "main"]);
  expect(pushed.status).toBe(0);
  // The mirror push reaches the target only now, and hangs there: the push above did not wait for it.
  const deadline = Date.now() + 20_000;
  while (remote.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  expect(remote.requests.length).toBeGreaterThan(0);
  const db = openDatabase(path.join(data, "quire.db"));
  try {
    const url = `${remote.url}/hello.git`;
    expect(getMirrorStatus(db, "hello.git", url)).toMatchObject({ last: null, pendingRefs: ["refs/heads/main"] });
    release();
    for (;;) {
      const s = getMirrorStatus(db, "hello.git", url);
      if (s?.last !== null && s?.last !== undefined) {
        expect(s.last.outcome).toBe("ok");
        break;
      }
      if (Date.now() > deadline + 20_000) throw new Error(`the mirror push did not finish:\n${serve.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    db.close();
  }
  expect(git(path.join(data, "remote", "hello.git"), ["rev-parse", "main"]).trim()).toBe(sha);
  // The server's log arrives through a pipe: wait for the line.
  const logged = /quire: mirror hello\.git → http:\/\/127\.0\.0\.1:\d+\/hello\.git: ok \(refs\/heads\/main pushed\)/;
  await waitFor(() => logged.test(serve.output()), "the mirror log line", 20_000);
  expect(serve.output()).not.toContain(TOKEN);
  expect(pushed.stderr).not.toContain(TOKEN);
});
