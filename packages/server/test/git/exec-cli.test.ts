// `quire exec` as sshd's ForceCommand would run it: git clones and pushes
// through an ssh stand-in that hands the remote command to `quire exec`,
// and hostile command strings refused by the built binary.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync } from "node:fs";
import { chmod, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { commitFiles, git, gitResult, quire, quireBin, tempDir } from "./git-helpers.js";
import { shellQuote } from "../../src/git/hooks.js";

let data: string;
let sshEnv: NodeJS.ProcessEnv;
const cleanup: string[] = [];

beforeAll(async () => {
  data = await tempDir("quire-exec-cli-");
  cleanup.push(data);
  expect(quire(data, ["repo", "new", "proj"]).status).toBe(0);
  // Stands in for `ssh host CMD` + sshd's `ForceCommand quire exec "$SSH_ORIGINAL_COMMAND"`.
  const fakeSsh = path.join(data, "fake-ssh");
  await writeFile(
    fakeSsh,
    `#!/bin/sh\nfor last; do :; done\nexec ${shellQuote(process.execPath)} ${shellQuote(quireBin)} --data-dir ${shellQuote(data)} exec "$last"\n`,
  );
  await chmod(fakeSsh, 0o755);
  sshEnv = { GIT_SSH_COMMAND: fakeSsh, GIT_SSH_VARIANT: "simple" };
});
afterAll(async () => {
  for (const d of cleanup) await rm(d, { recursive: true, force: true });
});

describe("git over quire exec", () => {
  it("clones, pushes (running the hook) and fetches through the allowlist", async () => {
    const parent = await tempDir("quire-clone-");
    cleanup.push(parent);
    const clone = gitResult(parent, ["clone", "git@forge:proj.git", "proj"], sshEnv);
    expect(clone.status).toBe(0);
    const work = path.join(parent, "proj");
    const sha = await commitFiles(work, { ".quire/ci.fnl": "; ci\n" }, "over ssh");
    const push = gitResult(work, ["push", "origin", "HEAD:main"], sshEnv);
    expect(push.status).toBe(0);
    expect(push.stderr).toMatch(/remote: quire: warning: the server is not answering/);
    expect(git(path.join(data, "repos", "proj.git"), ["rev-parse", "main"]).trim()).toBe(sha);
    const other = gitResult(parent, ["clone", "-q", "ssh://git@forge/proj", "again"], sshEnv);
    expect(other.status).toBe(0);
    expect(git(path.join(parent, "again"), ["rev-parse", "HEAD"]).trim()).toBe(sha);
    const archive = gitResult(parent, ["archive", "--remote=git@forge:proj.git", "main", ".quire/ci.fnl"], sshEnv);
    expect(archive.status).toBe(0);
    expect(archive.stdout).toContain("; ci");
  });

  it("refuses a clone of a path outside the forge and of a missing repository", async () => {
    const parent = await tempDir("quire-clone-bad-");
    cleanup.push(parent);
    for (const url of ["git@forge:../proj.git", "git@forge:/etc", "git@forge:missing.git", "ssh://git@forge/etc/passwd", "ssh://git@forge//proj.git"]) {
      const r = gitResult(parent, ["clone", url, "x"], sshEnv);
      expect(r.status, url).not.toBe(0);
      expect(r.stderr, url).toMatch(/quire: refused: git-upload-pack: /);
      expect(existsSync(path.join(parent, "x", ".git", "HEAD")), url).toBe(false);
    }
  });
});

describe("quire exec", () => {
  it("runs allowed quire subcommands with the fixed data directory", () => {
    expect(quire(data, ["exec", "quire repo new 'team/lib'"]).status).toBe(0);
    const r = quire(data, ["exec", "quire repo list"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("proj.git\nteam/lib.git\n");
  });

  it("reads runs without creating a database where there is none", async () => {
    const fresh = await tempDir("quire-exec-nodb-");
    cleanup.push(fresh);
    for (const cmd of ["quire ci show 0123abcd", "quire ci cancel 0123abcd", "quire ci retry 0123abcd", "quire ci logs 0123abcd"]) {
      const r = quire(fresh, ["exec", cmd]);
      expect(r.status, cmd).toBe(1);
      expect(r.stderr, cmd).toMatch(/no (run with id "0123abcd"; there are no )?runs yet \(no database at .*quire\.db\)/);
    }
    expect(quire(fresh, ["exec", "quire ci runs"]).stderr).toMatch(/no runs yet/);
    expect(existsSync(path.join(fresh, "quire.db"))).toBe(false);
  });

  it("runs quire mirror push (past the allowlist): a repository without targets is told so", () => {
    const r = quire(data, ["exec", "quire mirror push proj.git refs/heads/main"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("quire mirror push: proj.git has no mirror targets: declare :mirrors in its .quire/config.fnl or in config.fnl\n");
  });

  it.each([
    ["id", /"id" is not an allowed command/],
    ["sh -c id", /"sh" is not an allowed command/],
    ["git-upload-pack proj.git; touch pwned", /command separator/],
    ["git-upload-pack proj.git && touch pwned", /control operator/],
    ["git-upload-pack $(touch pwned)", /expansion/],
    ["git-upload-pack `touch pwned`", /command substitution/],
    ["git-upload-pack proj.git\ntouch pwned", /line break/],
    ["git-upload-pack --upload-pack='touch pwned' proj.git", /exactly one argument/],
    ["git-receive-pack '--receive-pack=touch pwned'", /looks like an option/],
    ["quire serve", /quire "serve" is not allowed/],
    ["quire repo list --data-dir=/", /is not allowed over ssh/],
    ["", /no command given/],
  ])("refuses %j, runs nothing and exits non-zero", async (command, message) => {
    const cwd = await tempDir("quire-exec-cwd-");
    cleanup.push(cwd);
    const r = quire(data, ["exec", command], { cwd });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^quire: refused: /);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
    expect(existsSync(path.join(cwd, "pwned"))).toBe(false);
  });

  it("reads its argument as the remote command, never as its own options", async () => {
    const elsewhere = path.join(data, "elsewhere");
    const r = quire(data, ["exec", `--data-dir=${elsewhere}`]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/quire: refused: .*is not an allowed command/);
    expect(existsSync(elsewhere)).toBe(false);
  });

  it("answers --help for allowed quire commands from the same declaration", () => {
    const r = quire(data, ["exec", "quire ci runs --help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^quire ci runs: /);
    const bad = quire(data, ["exec", "quire ci rusn"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/did you mean "runs"\?/);
  });

  it("wants the whole command as one argument", () => {
    const r = quire(data, ["exec", "git-upload-pack", "proj.git"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/quire exec takes COMMAND \(the whole remote command as one argument: "\$SSH_ORIGINAL_COMMAND"\); unexpected "proj.git"/);
  });
});
