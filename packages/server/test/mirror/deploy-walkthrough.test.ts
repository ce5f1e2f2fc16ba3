// docs/deploy.md "Mirroring to GitHub", followed step by step: every block of
// that section is run or written as the doc says, against a real quire serve
// and a local smart-HTTP remote (git http-backend behind basic auth) standing
// in for GitHub; the outputs the doc shows are compared with the real ones.
import { afterAll, beforeAll, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { openDatabase, type Db } from "../../src/db/open.js";
import { shellQuote } from "../../src/git/hooks.js";
import { getMirrorStatus } from "../../src/mirror/status.js";
import { startServe, type Serve } from "../e2e/harness.js";
import { commitFiles, git, gitEnv, quire, quireBin, serverRoot, tempDir, workTree } from "../git/git-helpers.js";
import { startHttpRemote, type HttpRemote } from "./http-remote.js";

const TOKEN = "github_pat_11TEST0000000000000000";
const GITHUB_URL = "https://github.com/you/hello.git";

interface Block {
  lang: string;
  text: string;
}

/** The fenced blocks of one `## ` section of a Markdown file, indentation removed. */
function sectionBlocks(markdown: string, heading: string): Block[] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section "## ${heading}"`);
  const end = markdown.indexOf("\n## ", start + 1);
  const section = markdown.slice(start, end < 0 ? undefined : end);
  const blocks: Block[] = [];
  for (const m of section.matchAll(/^( *)```(\w+)\n([\s\S]*?)^\1```$/gm)) {
    const indent = m[1]!.length;
    blocks.push({ lang: m[2]!, text: m[3]!.split("\n").map((l) => l.slice(indent)).join("\n") });
  }
  return blocks;
}

/** Times and durations vary from run to run. */
function normalize(text: string): string {
  return text
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/g, "<time>")
    .replace(/\((\d+(\.\d+)?m?s|\d+m\d+s)\)/g, "(<duration>)")
    .trimEnd();
}

let data: string;
let work: string;
let bin: string;
let remote: HttpRemote;
let serve: Serve | undefined;
let db: Db | undefined;
const cleanup: string[] = [];

function substitute(text: string): string {
  return text
    .replaceAll("/srv/quire", data)
    .replaceAll(GITHUB_URL, `${remote.url}/you/hello.git`)
    .replaceAll("github_pat_…", TOKEN)
    .replaceAll("ssh git@forge.example.org", path.join(bin, "fake-ssh"));
}

/** Run a `sh` block of the doc in the checkout; returns its stdout. (Asynchronously: the remote answers from this process.) */
async function runSh(block: Block): Promise<string> {
  expect(block.lang).toBe("sh");
  const child = spawn("sh", ["-e", "-c", substitute(block.text)], { cwd: work, env: gitEnv({ PATH: `${bin}:${process.env.PATH}` }) });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
  expect(status, `${block.text}\n${stderr}\n${serve?.output() ?? ""}`).toBe(0);
  return stdout;
}

/** Write a `fennel` block to the file its first line names (`;; PATH`, relative to the checkout). */
async function writeFennel(block: Block): Promise<string> {
  expect(block.lang).toBe("fennel");
  const m = /^;; (\S+)\n/.exec(block.text);
  expect(m, block.text).not.toBeNull();
  const target = path.resolve(work, substitute(m![1]!));
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, substitute(block.text));
  return target;
}

function expectOutput(stdout: string, block: Block): void {
  expect(block.lang).toBe("text");
  expect(normalize(stdout)).toBe(normalize(substitute(block.text)));
}

async function mirrorOutcome(outcome: string): Promise<void> {
  db ??= openDatabase(path.join(data, "quire.db"));
  const url = `${remote.url}/you/hello.git`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const s = getMirrorStatus(db, "hello.git", url);
    if (s?.last?.outcome === outcome && s.pendingRefs.length === 0) return;
    if (Date.now() > deadline) throw new Error(`mirror status never became ${outcome}: ${JSON.stringify(s)}\n${serve?.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  data = await tempDir("quire-walkthrough-");
  cleanup.push(data);
  expect(quire(data, ["repo", "new", "hello"]).status).toBe(0);
  work = await workTree(path.join(data, "repos", "hello.git"));
  cleanup.push(work);
  await commitFiles(work, { "README.md": "hello\n" }, "first");
  git(work, ["push", "-q", "origin", "main"]);
  // "GitHub": an empty repository you/hello.git that takes pushes with the token only.
  const github = path.join(data, "github");
  git(data, ["init", "-q", "--bare", "-b", "main", path.join(github, "you", "hello.git")]);
  remote = await startHttpRemote({ root: github, credentials: `${TOKEN}:x-oauth-basic`, anonymousRead: true });
  // `quire` on PATH, and `ssh` standing in for sshd's ForceCommand.
  bin = await tempDir("quire-walkthrough-bin-");
  cleanup.push(bin);
  await writeFile(path.join(bin, "quire"), `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(quireBin)} "$@"\n`);
  await writeFile(path.join(bin, "fake-ssh"), `#!/bin/sh\nfor last; do :; done\nexec ${shellQuote(process.execPath)} ${shellQuote(quireBin)} --data-dir ${shellQuote(data)} exec "$last"\n`);
  await chmod(path.join(bin, "quire"), 0o755);
  await chmod(path.join(bin, "fake-ssh"), 0o755);
});
afterAll(async () => {
  db?.close();
  await serve?.stop();
  await remote?.close();
  for (const d of cleanup) await rm(d, { recursive: true, force: true });
});

it("docs/deploy.md: Mirroring to GitHub, step by step", async () => {
  const doc = await readFile(path.join(serverRoot, "..", "..", "docs", "deploy.md"), "utf8");
  const blocks = sectionBlocks(doc, "Mirroring to GitHub");
  // The walkthrough's shape; a change to the doc must come with a change here.
  expect(blocks.map((b) => b.lang)).toEqual(["sh", "fennel", "fennel", "sh", "sh", "text", "sh", "text", "sh", "sh", "text", "sh"]);
  const [tokenFile, globalConfig, repoConfig, commitPush, status, statusOk, byHand, byHandOk, overSsh, status2, statusDiverged, reconcile] = blocks as [Block, ...Block[]] as Block[];

  // 2. The token in a private file.
  await runSh(tokenFile!);
  expect((await readFile(path.join(data, "secrets", "github-token"), "utf8")).trim()).toBe(TOKEN);
  // 3. config.fnl names it; quire serve (re)starts and reads it.
  expect(await writeFennel(globalConfig!)).toBe(path.join(data, "config.fnl"));
  serve = await startServe(data);

  // 4. The repository declares the mirror; the push returns, the mirror push follows.
  expect(await writeFennel(repoConfig!)).toBe(path.join(work, ".quire", "config.fnl"));
  await runSh(commitPush!);
  await mirrorOutcome("ok");
  expect(git(path.join(data, "github", "you", "hello.git"), ["rev-parse", "main"]).trim()).toBe(git(work, ["rev-parse", "HEAD"]).trim());

  // 5. The status, as the doc shows it.
  expectOutput(await runSh(status!), statusOk!);
  // 6. By hand, locally and over SSH.
  expectOutput(await runSh(byHand!), byHandOk!);
  expectOutput(await runSh(overSsh!), byHandOk!);

  // 7. Someone pushes to GitHub directly; the next mirror push is refused there, not forced.
  const elsewhere = await workTree(path.join(data, "github", "you", "hello.git"));
  cleanup.push(elsewhere);
  git(elsewhere, ["pull", "-q", "origin", "main"]);
  const theirs = await commitFiles(elsewhere, { "FROM-GITHUB.md": "edited on GitHub\n" }, "edited on GitHub");
  git(elsewhere, ["push", "-q", "origin", "HEAD:main"]);
  await commitFiles(work, { "HERE.md": "made here\n" }, "made here");
  git(work, ["push", "-q", "origin", "main"]);
  await mirrorOutcome("needs-human");
  expect(git(path.join(data, "github", "you", "hello.git"), ["rev-parse", "main"]).trim()).toBe(theirs);
  expectOutput(await runSh(status2!), statusDiverged!);

  // Reconciled as the doc says, the mirror follows.
  await runSh(reconcile!);
  await mirrorOutcome("ok");
  expect(git(path.join(data, "github", "you", "hello.git"), ["rev-parse", "main"]).trim()).toBe(git(work, ["rev-parse", "HEAD"]).trim());
  expect(serve.output()).not.toContain(TOKEN);
});
