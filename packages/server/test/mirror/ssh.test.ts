// Mirror pushes over ssh to a real OpenSSH server on loopback: a key given as
// a file secret or as the key itself, the host key known through the data
// directory's known_hosts, a key the target refuses, an unknown host (batch
// mode fails at once instead of asking), and `quire mirror push` end to end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redactor } from "@quire/shared";
import { pushToMirror, type MirrorPushOptions } from "../../src/mirror/push.js";
import { commitFiles, git, quire, tempDir, workTree } from "../git/git-helpers.js";
import { sshdProblem, startSshRemote, type SshRemote } from "./ssh-remote.js";

const problem = sshdProblem();
let dir: string;
let source: string;
let remote: SshRemote;
let knownHosts: string;

function bare(name: string): string {
  const p = path.join(dir, "targets", name);
  git(dir, ["init", "-q", "--bare", "-b", "main", p]);
  return p;
}

const refOf = (gitDir: string, ref: string) => git(gitDir, ["rev-parse", "--verify", "-q", ref]).trim();

function push(options: Partial<MirrorPushOptions> & Pick<MirrorPushOptions, "url">) {
  return pushToMirror({
    gitDir: source,
    refs: ["refs/heads/main"],
    target: { secret: "deploy-key", deletions: false },
    secrets: { "deploy-key": { file: remote.clientKey } },
    redactor: new Redactor(),
    knownHostsFile: knownHosts,
    timeoutMs: 30_000,
    ...options,
  });
}

/** Temporary key directories this process's pushes left behind. */
const keyDirs = () => readdirSync(tmpdir()).filter((e) => e.startsWith("quire-mirror-key-"));

describe.skipIf(problem !== undefined)(`mirrors over ssh to a real sshd${problem ? ` (skipped: ${problem})` : ""}`, () => {
  beforeAll(async () => {
    dir = await tempDir("quire-mirror-ssh-");
    source = path.join(dir, "hello.git");
    git(dir, ["init", "-q", "--bare", "-b", "main", source]);
    const work = await workTree(source);
    await commitFiles(work, { "README.md": "over ssh\n" }, "first");
    git(work, ["push", "-q", "origin", "main"]);
    remote = await startSshRemote(path.join(dir, "sshd"));
    knownHosts = path.join(dir, "known hosts dir", "known_hosts");
    mkdirSync(path.join(dir, "known hosts dir"));
    writeFileSync(knownHosts, `${remote.knownHostsLine}\n`);
  });
  afterAll(async () => {
    await remote?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("pushes with a key file secret, the host known from the data directory's known_hosts (a path with a space)", async () => {
    const target = bare("a.git");
    const r = await push({ url: `${remote.base}${target}` });
    expect(r, r.stderr).toMatchObject({ outcome: "ok", error: null });
    expect(r.refs).toEqual([{ ref: "refs/heads/main", status: "pushed", detail: "[new branch]" }]);
    expect(refOf(target, "refs/heads/main")).toBe(refOf(source, "refs/heads/main"));
  });

  it("pushes with the key itself as the secret, and removes the private copy afterwards", async () => {
    const target = bare("b.git");
    const before = keyDirs();
    const r = await push({ url: `${remote.base}${target}`, secrets: { "deploy-key": readFileSync(remote.clientKey, "utf8") } });
    expect(r, r.stderr).toMatchObject({ outcome: "ok", error: null });
    expect(refOf(target, "refs/heads/main")).toBe(refOf(source, "refs/heads/main"));
    expect(keyDirs().filter((d) => !before.includes(d))).toEqual([]);
  });

  it("says the target refused the key, and changes nothing there", async () => {
    const target = bare("c.git");
    const r = await push({ url: `${remote.base}${target}`, secrets: { "deploy-key": { file: remote.strangerKey } } });
    expect(r).toMatchObject({ outcome: "error", retryable: true });
    expect(r.error).toBe(`the target refused the credentials of secret "deploy-key": check the token and its rights`);
    expect(() => refOf(target, "refs/heads/main")).toThrow();
  });

  it("fails at once on a host it does not know (batch mode: no question asked), naming host key verification", async () => {
    const target = bare("d.git");
    const empty = path.join(dir, "empty_known_hosts");
    await writeFile(empty, "");
    const started = Date.now();
    const r = await push({ url: `${remote.base}${target}`, knownHostsFile: empty });
    expect(r).toMatchObject({ outcome: "error", retryable: true });
    expect(r.stderr).toMatch(/Host key verification failed/);
    expect(r.error).toMatch(/^the target's ssh host key is not known: add it to the data directory's known_hosts/);
    expect(Date.now() - started).toBeLessThan(20_000); // a prompt would wait for the 30 s timeout
    expect(() => refOf(target, "refs/heads/main")).toThrow();
  });

  it("quire mirror push reads the host key from DATA/known_hosts and the key from :secrets", async () => {
    const data = await tempDir("quire-mirror-ssh-cli-");
    try {
      expect(quire(data, ["repo", "new", "hello"]).status).toBe(0);
      const target = bare("cli.git");
      await writeFile(
        path.join(data, "config.fnl"),
        `{:secrets {:deploy-key {:file ${JSON.stringify(remote.clientKey)}}}\n :mirrors {${JSON.stringify(`${remote.base}${target}`)} :deploy-key}}\n`,
      );
      const work = await workTree(path.join(data, "repos", "hello.git"));
      await commitFiles(work, { "README.md": "cli\n" }, "first");
      git(work, ["push", "-q", "origin", "main"]);
      const unknown = quire(data, ["mirror", "push", "hello", "main"]);
      expect(unknown.status).not.toBe(0);
      expect(unknown.stdout).toMatch(/: error: the target's ssh host key is not known/);
      await writeFile(path.join(data, "known_hosts"), `${remote.knownHostsLine}\n`);
      const r = quire(data, ["mirror", "push", "hello", "main"]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toBe(`hello.git → ${remote.base}${target}: ok (refs/heads/main pushed)\n`);
      expect(refOf(target, "refs/heads/main")).toBe(git(work, ["rev-parse", "main"]).trim());
      await rm(work, { recursive: true, force: true });
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  });
});
