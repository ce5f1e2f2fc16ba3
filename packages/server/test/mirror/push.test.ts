// pushToMirror against real remotes on loopback: a bare repo over file://,
// and git http-backend behind an HTTP server that demands basic auth.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { Redactor } from "@quire/shared";
import { addWireForms } from "../../src/config/secrets.js";
import { pushToMirror, type MirrorPushOptions } from "../../src/mirror/push.js";
import { commitFiles, git, tempDir, workTree } from "../git/git-helpers.js";
import { startHttpRemote, type HttpRemote } from "./http-remote.js";

const TOKEN = "tok-5f0c8d1e2a7b9c3d";
let dir: string;
let source: string;
let work: string;

function bare(name: string): string {
  const p = path.join(dir, "targets", name);
  git(dir, ["init", "-q", "--bare", "-b", "main", p]);
  return p;
}

function redactor(): Redactor {
  const r = new Redactor();
  addWireForms(r, "gh", TOKEN);
  return r;
}

function push(options: Partial<MirrorPushOptions> & Pick<MirrorPushOptions, "url" | "refs">) {
  return pushToMirror({ gitDir: source, target: { secret: null, deletions: false }, secrets: { gh: TOKEN }, redactor: redactor(), ...options });
}

const refOf = (gitDir: string, ref: string) => git(gitDir, ["rev-parse", "--verify", "-q", ref]).trim();

/** Every file under `root` whose bytes contain `needle`. */
function filesContaining(root: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(root);
  return hits;
}

beforeAll(async () => {
  dir = await tempDir("quire-mirror-push-");
  source = path.join(dir, "hello.git");
  git(dir, ["init", "-q", "--bare", "-b", "main", source]);
  work = await workTree(source);
  await commitFiles(work, { "README.md": "hello\n" }, "first");
  git(work, ["tag", "-a", "v1.0", "-m", "one"]);
  git(work, ["push", "-q", "origin", "main", "v1.0", "main:refs/heads/dev"]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a bare repo over file://", () => {
  it("pushes branches and tags, then finds them up to date", async () => {
    const target = bare("file-a.git");
    const first = await push({ url: `file://${target}`, refs: ["refs/heads/main", "refs/tags/v1.0"] });
    expect(first).toMatchObject({ outcome: "ok", error: null });
    expect(first.refs.map((r) => [r.ref, r.status])).toEqual([
      ["refs/heads/main", "pushed"],
      ["refs/tags/v1.0", "pushed"],
    ]);
    expect(refOf(target, "refs/heads/main")).toBe(refOf(source, "refs/heads/main"));
    expect(refOf(target, "refs/tags/v1.0")).toBe(refOf(source, "refs/tags/v1.0"));
    const again = await push({ url: `file://${target}`, refs: ["refs/heads/main"] });
    expect(again.refs).toEqual([{ ref: "refs/heads/main", status: "up-to-date", detail: "[up to date]" }]);
  });

  it("deletes a ref deleted here only when the target opts in", async () => {
    const target = bare("file-del.git");
    git(work, ["push", "-q", "origin", "main:refs/heads/doomed"]);
    await push({ url: `file://${target}`, refs: ["refs/heads/doomed"] });
    git(work, ["push", "-q", "origin", ":refs/heads/doomed"]);
    const kept = await push({ url: `file://${target}`, refs: ["refs/heads/doomed"] });
    expect(kept.outcome).toBe("ok");
    expect(kept.refs[0]).toMatchObject({ ref: "refs/heads/doomed", status: "skipped" });
    expect(refOf(target, "refs/heads/doomed")).not.toBe("");
    const gone = await push({ url: `file://${target}`, refs: ["refs/heads/doomed"], target: { secret: null, deletions: true } });
    expect(gone.refs).toEqual([{ ref: "refs/heads/doomed", status: "deleted", detail: "[deleted]" }]);
    expect(() => git(target, ["rev-parse", "--verify", "-q", "refs/heads/doomed"])).toThrow();
  });

  it("reports a diverged target as needing a human and never forces", async () => {
    const target = bare("file-diverged.git");
    await push({ url: `file://${target}`, refs: ["refs/heads/main"] });
    // Someone else pushes to the mirror directly.
    const other = await workTree(target);
    git(other, ["fetch", "-q", "origin", "main"]);
    git(other, ["reset", "-q", "--hard", "FETCH_HEAD"]);
    const theirs = await commitFiles(other, { "THEIRS": "x\n" }, "made on the mirror");
    git(other, ["push", "-q", "origin", "HEAD:main"]);
    await commitFiles(work, { "OURS": "y\n" }, "made here");
    git(work, ["push", "-q", "origin", "main"]);
    const r = await push({ url: `file://${target}`, refs: ["refs/heads/main", "refs/heads/dev"] });
    expect(r.outcome).toBe("needs-human");
    expect(r.retryable).toBe(false);
    expect(r.error).toMatch(/^refs\/heads\/main: the target has commits this repository lacks \(\[rejected\] \(fetch first\)\); quire never forces/);
    expect(r.refs.find((x) => x.ref === "refs/heads/main")?.status).toBe("diverged");
    // The other ref still went through; the diverged one is untouched.
    expect(r.refs.find((x) => x.ref === "refs/heads/dev")?.status).toBe("pushed");
    expect(refOf(target, "refs/heads/main")).toBe(theirs);
  });

  it("fails clearly when the target does not exist, and says it may be retried", async () => {
    const r = await push({ url: `file://${path.join(dir, "nowhere.git")}`, refs: ["refs/heads/main"] });
    expect(r).toMatchObject({ outcome: "error", retryable: true });
    expect(r.error).toMatch(/does not appear to be a git repository/);
  });
});

describe("an authenticated smart-HTTP remote (git http-backend behind basic auth)", () => {
  let remote: HttpRemote;
  let slow: HttpRemote;
  let root: string;
  beforeAll(async () => {
    root = path.join(dir, "http-root");
    bare("../http-root/ok.git");
    bare("../http-root/slow.git");
    bare("../http-root/wrong.git");
    remote = await startHttpRemote({ root, credentials: `${TOKEN}:x-oauth-basic` });
    slow = await startHttpRemote({ root, credentials: `${TOKEN}:x-oauth-basic`, delayMs: 150 });
  });
  afterAll(async () => {
    await remote.close();
    await slow.close();
  });

  it("authenticates with token:x-oauth-basic from the named secret", async () => {
    const r = await push({ url: `${remote.url}/ok.git`, refs: ["refs/heads/main", "refs/tags/v1.0"], target: { secret: "gh", deletions: false } });
    expect(r).toMatchObject({ outcome: "ok", error: null });
    expect(refOf(path.join(root, "ok.git"), "refs/heads/main")).toBe(refOf(source, "refs/heads/main"));
    expect(remote.refused()).toBeGreaterThan(0); // git asked without credentials first, as it does
    expect(remote.served()).toBeGreaterThan(0);
    expect(remote.requests.every((q) => !q.url.includes(TOKEN))).toBe(true);
  });

  it("never puts the token in an argv, a URL, the repository's config or any file", async () => {
    // While the (slowed) push runs, read every process's command line.
    const seen: string[] = [];
    let pushing = true;
    const scan = (async () => {
      while (pushing) {
        for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
          try {
            const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
            if (cmd.includes("git")) seen.push(cmd.replace(/\0/g, " "));
          } catch {
            // gone already
          }
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const r = await push({ url: `${slow.url}/slow.git`, refs: ["refs/heads/main"], target: { secret: "gh", deletions: false } });
    pushing = false;
    await scan;
    expect(r.outcome).toBe("ok");
    expect(seen.some((c) => c.includes("remote-http") || c.includes(" push "))).toBe(true);
    expect(seen.filter((c) => c.includes(TOKEN))).toEqual([]);
    expect(JSON.stringify(r)).not.toContain(TOKEN);
    expect(git(source, ["config", "--list"])).not.toContain(TOKEN);
    expect(filesContaining(dir, TOKEN)).toEqual([]);
  });

  it("a wrong token is a clear error, with no token in any output", async () => {
    const wrong = "tok-WRONG-0000000000";
    const r = await pushToMirror({
      gitDir: source,
      url: `${remote.url}/wrong.git`,
      refs: ["refs/heads/main"],
      target: { secret: "gh", deletions: false },
      secrets: { gh: wrong },
      redactor: (() => {
        const x = new Redactor();
        addWireForms(x, "gh", wrong);
        return x;
      })(),
    });
    expect(r.outcome).toBe("error");
    expect(r.error).toBe('the target refused the credentials of secret "gh": check the token and its rights');
    expect(JSON.stringify(r)).not.toContain(wrong);
    expect(r.stderr).toMatch(/Authentication failed/);
    expect(git(path.join(root, "wrong.git"), ["for-each-ref"])).toBe("");
  });

  it("an undeclared secret is reported without trying the push", async () => {
    const before = remote.requests.length;
    const r = await push({ url: `${remote.url}/ok.git`, refs: ["refs/heads/main"], target: { secret: "nope", deletions: false } });
    expect(r).toMatchObject({ outcome: "error", retryable: false });
    expect(r.error).toMatch(/secret "nope" is not declared in :secrets of config\.fnl \(declared: gh\); the push was not attempted/);
    expect(remote.requests.length).toBe(before);
  });

  it("a push to a target that needs a secret but names none says so", async () => {
    const r = await push({ url: `${remote.url}/ok.git`, refs: ["refs/heads/main"] });
    expect(r.outcome).toBe("error");
    expect(r.error).toMatch(/the target refused access: it needs a secret/);
  });
});
