// The `quire exec` allowlist against real bare repositories on disk: what it
// accepts, and the hostile strings it must refuse.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { mkdtemp, mkdir, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { planExec, GIT_SERVICES } from "../../src/git/exec-allowlist.js";
import { ExecRefusedError } from "../../src/git/errors.js";
import { createRepo } from "../../src/git/repos.js";
import { joinShellWords } from "../../src/git/shell-words.js";

let data: string;
let repos: string;

beforeAll(async () => {
  data = await mkdtemp(path.join(tmpdir(), "quire-exec-"));
  repos = path.join(data, "repos");
  await mkdir(repos);
  await createRepo(repos, "foo", { dataDir: data });
  await createRepo(repos, "team/bar", { dataDir: data });
  // A bare repository outside the forge, and a symlink into it from inside.
  const outside = path.join(data, "outside");
  await mkdir(outside);
  await createRepo(outside, "secret", { dataDir: data });
  await symlink(path.join(outside, "secret.git"), path.join(repos, "link.git"));
});
afterAll(async () => {
  await rm(data, { recursive: true, force: true });
});

async function refusal(command: string): Promise<string> {
  try {
    const plan = await planExec(command, repos);
    throw new Error(`accepted ${JSON.stringify(command)} as ${JSON.stringify(plan)}`);
  } catch (e) {
    if (!(e instanceof ExecRefusedError)) throw e;
    return e.message;
  }
}

describe("planExec accepts", () => {
  it.each([
    ["git-upload-pack 'foo.git'", "git-upload-pack", "foo.git"],
    ["git-receive-pack 'foo.git'", "git-receive-pack", "foo.git"],
    ["git-upload-archive 'foo.git'", "git-upload-archive", "foo.git"],
    ["git-upload-pack foo", "git-upload-pack", "foo.git"],
    ['git-receive-pack "team/bar.git"', "git-receive-pack", "team/bar.git"],
    ["git-upload-pack 'team/bar'", "git-upload-pack", "team/bar.git"],
    ["git-upload-pack '/foo.git'", "git-upload-pack", "foo.git"],
    ["git-receive-pack '/team/bar.git'", "git-receive-pack", "team/bar.git"],
  ])("%j", async (command, service, name) => {
    const plan = await planExec(command, repos);
    expect(plan.kind).toBe("git");
    if (plan.kind !== "git") return;
    expect(plan.service).toBe(service);
    expect(plan.repo.name).toBe(name);
    expect(plan.repo.dir).toBe(path.join(await import("node:fs/promises").then((f) => f.realpath(repos)), name));
  });

  it.each([
    ["quire repo list", "repo", ["list"]],
    ["quire repo new 'work/baz'", "repo", ["new", "work/baz"]],
    ["quire ci runs foo.git --json", "ci", ["runs", "foo.git", "--json"]],
    ["quire ci show 12", "ci", ["show", "12"]],
    ["quire ci logs 1fe10103c854", "ci", ["logs", "1fe10103c854"]],
    ["quire ci logs 1fe1 test --follow", "ci", ["logs", "1fe1", "test", "--follow"]],
    ["quire ci logs 1fe1 'build:linux' -f --json", "ci", ["logs", "1fe1", "build:linux", "-f", "--json"]],
    ["quire ci runs --limit 5", "ci", ["runs", "--limit", "5"]],
    ["quire ci runs team/lib --limit=5 --json", "ci", ["runs", "team/lib", "--limit=5", "--json"]],
    ["quire ci cancel abcdef", "ci", ["cancel", "abcdef"]],
    ["quire ci retry abcdef", "ci", ["retry", "abcdef"]],
    ["quire ci logs --help", "ci", ["logs", "--help"]],
    ["quire ci", "ci", []],
    // Names the allowlist does not know are the declaration's to refuse (exec-cli.test.ts, cli.test.ts).
    ["quire ci rusn", "ci", ["rusn"]],
    ["quire mirror push foo.git refs/heads/main", "mirror", ["push", "foo.git", "refs/heads/main"]],
    ["quire mirror push foo", "mirror", ["push", "foo.git"]],
    ["quire mirror push 'team/bar' main --json", "mirror", ["push", "team/bar.git", "main", "--json"]],
    ["quire mirror push foo.git v1.0", "mirror", ["push", "foo.git", "v1.0"]],
    ["quire mirror push foo.git refs/heads/push-abc_1+x@y", "mirror", ["push", "foo.git", "refs/heads/push-abc_1+x@y"]],
    ["quire mirror push --help", "mirror", ["push", "--help"]],
  ])("%j", async (command, subcommand, args) => {
    expect(await planExec(command, repos)).toEqual({ kind: "quire", subcommand, args });
  });
});

describe("planExec refuses", () => {
  it.each([
    // unknown commands and shells
    ["", /no command given/],
    ["sh", /"sh" is not an allowed command/],
    ["bash -c 'id'", /"bash" is not an allowed command/],
    ["git upload-pack foo.git", /"git" is not an allowed command/],
    ["git-shell -c 'git-upload-pack foo.git'", /not an allowed command/],
    ["/usr/bin/git-upload-pack foo.git", /not an allowed command/],
    ["rsync --server . /", /not an allowed command/],
    ["scp -t /tmp", /not an allowed command/],
    ["quire serve", /quire "serve" is not allowed/],
    ["quire exec 'git-upload-pack foo.git'", /quire "exec" is not allowed/],
    ["quire hook post-receive", /quire "hook" is not allowed/],
    ["quire runner new sneaky", /quire "runner" is not allowed/],
    ["quire", /needs a subcommand/],
    ["quire mirror list", /only `quire mirror push/],
    ["quire mirror", /only `quire mirror push/],
    ["quire mirror status foo.git", /only `quire mirror push/],
    ["quire mirror push", /takes a repository and at most one ref \(got 0 words\)/],
    ["quire mirror push foo.git main extra", /at most one ref \(got 3 words\)/],
    ["quire mirror push missing.git", /quire mirror push: no repository "missing\.git"/],
    ["quire mirror push ../foo.git", /quire mirror push: invalid repository name .*"\.\."/],
    ["quire mirror push /etc/passwd", /quire mirror push: invalid repository name/],
    ["quire mirror push link.git", /resolves outside/],
    ["quire mirror push foo.git --force", /"--force" is not allowed over ssh \(only --json and --help\)/],
    ["quire mirror push foo.git -- main", /"--" is not allowed over ssh/],
    ["quire mirror push -f foo.git main", /"-f" is not allowed over ssh/],
    ["quire mirror push foo.git --data-dir=/tmp", /"--data-dir=\/tmp" is not allowed over ssh: the data directory is fixed/],
    ["quire mirror push foo.git 'refs/heads/a b'", /holds a character other than letters/],
    ["quire mirror push foo.git 'main;id'", /holds a character other than letters/],
    ["quire mirror push foo.git 'refs/heads/../x'", /is not a valid ref name/],
    ["quire mirror push foo.git 'refs/heads/x.lock'", /is not a valid ref name/],
    ["quire mirror push foo.git 'refs/heads/.hidden'", /is not a valid ref name/],
    ["quire mirror push foo.git 'main@{1}'", /holds a character other than letters/],
    ["quire mirror push foo.git 'HEAD:refs/heads/x'", /holds a character other than letters/],
    ["quire mirror push foo.git '+main'", /"\+main" is not a ref name/],
    ["quire mirror push foo.git $(id)", /expansion/],
    ["quire --data-dir /srv/x repo list", /quire "--data-dir" is not allowed/],
    ["quire repo list --data-dir /srv/x", /"--data-dir" is not allowed/],
    ["quire ci runs --data-dir=/srv/x", /"--data-dir=\/srv\/x" is not allowed/],
    // quire ci: only status and control, with arguments of the right shape
    ["quire ci logs", /quire ci logs needs run/],
    ["quire ci logs ../../etc/passwd", /"\.\.\/\.\.\/etc\/passwd" is not a run id/],
    ["quire ci logs 1fe1 a/b", /"a\/b" is not a job id/],
    ["quire ci logs 1fe1 --follow=yes", /--follow takes no value/],
    ["quire ci logs 1fe1 -- -x", /option "--" is not allowed over ssh/],
    ["quire ci logs 1fe1 test extra", /takes at most 2 argument\(s\)/],
    ["quire ci logs 1fe1 --tail 5", /option "--tail" is not allowed over ssh \(allowed: --json, --follow, -f\)/],
    ["quire ci logs 1FE1", /not a run id/],
    ["quire ci logs 1fe1 \"$(printf x)\"", /expansion/],
    ["quire ci show 1fe1 --output=out.txt", /option "--output" is not allowed/],
    ["quire ci runs ../x", /quire ci runs: .*"\.\."/],
    ["quire ci runs --limit", /--limit takes a number/],
    ["quire ci runs --limit=-1", /--limit takes a number/],
    ["quire ci cancel", /quire ci cancel needs run/],
    ["quire ci cancel 'abc def'", /not a run id/],
    // operators, substitutions, line breaks
    ["git-upload-pack 'foo.git'; id", /command separator/],
    ["git-upload-pack 'foo.git' && id", /control operator/],
    ["git-upload-pack 'foo.git' | nc host 1", /pipe/],
    ["git-upload-pack $(id)", /expansion/],
    ["git-upload-pack \"$(id)\"", /expansion/],
    ["git-upload-pack `id`", /command substitution/],
    ["git-upload-pack foo.git\nid", /line break/],
    ["git-upload-pack 'foo.git\nid'", /line break/],
    ["git-upload-pack foo.git\0", /NUL/],
    ["git-upload-pack 'foo.git' > /srv/x", /redirect/],
    ["git-upload-pack foo.git &", /control operator/],
    ["git-upload-pack ~/foo.git", /tilde/],
    ["git-upload-pack f*o.git", /glob/],
    ["git-upload-pack 'foo.git", /unbalanced single quote/],
    ["git-upload-pack \"foo.git", /unbalanced double quote/],
    // quoting tricks that smuggle operators into the repository argument
    ["git-upload-pack 'foo.git;id'", /contains ";"/],
    ["git-upload-pack 'foo.git'\\;id", /contains ";"/],
    ["git-upload-pack 'foo.git' 'bar'", /exactly one argument/],
    ["git-upload-pack 'foo.git id'", /contains " "/],
    ["git-upload-pack ''", /empty/],
    // path traversal and absolute paths
    ["git-upload-pack '../foo.git'", /"\.\."/],
    ["git-upload-pack 'work/../foo.git'", /"\.\."/],
    ["git-upload-pack '../../etc'", /"\.\."/],
    ["git-upload-pack '/etc/passwd'", /no repository "etc\/passwd\.git"/],
    ["git-upload-pack '/etc/ssh/sshd_config'", /at most one level/],
    ["git-upload-pack '//foo.git'", /absolute path/],
    ["git-upload-pack '/../foo.git'", /"\.\."/],
    ["git-upload-pack '/srv/.ssh'", /starts with "\."/],
    ["git-upload-pack '/srv/git/foo.git'", /at most one level/],
    ["git-upload-pack 'a/b/c.git'", /at most one level/],
    ["git-upload-pack 'link.git'", /resolves outside/],
    ["git-upload-pack '.git'", /empty segment|starts with "\."/],
    ["git-upload-pack 'missing.git'", /no repository "missing\.git"/],
    // options smuggled into git services
    ["git-upload-pack --upload-pack=touch foo.git", /exactly one argument/],
    ["git-upload-pack '--upload-pack=touch /srv/x'", /looks like an option/],
    ["git-receive-pack --help", /looks like an option/],
    ["git-upload-pack -c core.sshCommand=id foo.git", /exactly one argument/],
    ["git-upload-archive --remote=x", /looks like an option/],
    ["git-upload-pack --strict foo.git", /exactly one argument/],
    ["git-upload-pack", /exactly one argument/],
  ])("%j", async (command, message) => {
    expect(await refusal(command)).toMatch(message);
  });

  it("accepts a git service only with one existing repository inside the forge (property)", async () => {
    const unit = fc.constantFrom(..."fo.gitwrkba/-_ ;&|$`'\"\\\n()<>*~".split(""));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...GIT_SERVICES), fc.string({ unit, maxLength: 20 }), async (service, tail) => {
        const command = `${service} ${tail}`;
        let plan;
        try {
          plan = await planExec(command, repos);
        } catch (e) {
          expect(e).toBeInstanceOf(ExecRefusedError);
          return;
        }
        expect(plan.kind).toBe("git");
        if (plan.kind === "git") expect(["foo.git", "team/bar.git"]).toContain(plan.repo.name);
      }),
      { numRuns: 1500 },
    );
  });

  it("plans a mirror push only for an existing repository and a plain ref, with no other option (property)", async () => {
    const word = fc.oneof(
      fc.constantFrom("foo.git", "team/bar", "missing.git", "main", "refs/heads/main", "--json", "--force", "-f", "--", "..", "a b", "x;y", "+m", "link.git"),
      fc.string({ maxLength: 10 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 4 }), async (words) => {
        let plan;
        try {
          plan = await planExec(joinShellWords(["quire", "mirror", "push", ...words]), repos);
        } catch (e) {
          expect(e).toBeInstanceOf(ExecRefusedError);
          return;
        }
        expect(plan.kind).toBe("quire");
        if (plan.kind !== "quire") return;
        const [push, ...rest] = plan.args;
        expect(push).toBe("push");
        const positional = rest.filter((a) => !a.startsWith("-"));
        const options = rest.filter((a) => a.startsWith("-"));
        for (const o of options) expect(["--json", "--help", "-h"]).toContain(o);
        if (positional.length === 0) return expect(options.some((o) => o !== "--json")).toBe(true);
        expect(["foo.git", "team/bar.git"]).toContain(positional[0]);
        expect(positional.length).toBeLessThanOrEqual(2);
        if (positional[1] !== undefined) expect(positional[1]).toMatch(/^[A-Za-z0-9._/+@-]+$/);
      }),
      { numRuns: 1500 },
    );
  });

  it("refuses any command word outside the allowlist, however quoted (property)", async () => {
    const allowed = new Set<string>([...GIT_SERVICES, "quire"]);
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 16 }), fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), async (program, args) => {
        fc.pre(!allowed.has(program));
        await expect(planExec(joinShellWords([program, ...args]), repos)).rejects.toBeInstanceOf(ExecRefusedError);
      }),
      { numRuns: 1500 },
    );
  });
});
