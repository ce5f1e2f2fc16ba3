// The spawn helper against real processes: what a child prints and how it
// ends reach the server exactly as from a direct spawn; a time budget kills
// the child; and nothing the helper started outlives the server, whether it
// exits or is killed with SIGKILL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { SpawnHelper, spawnHelper, type HelperChild } from "../../src/git/spawn-helper.js";
import { streamGit } from "../../src/web/git/command.js";
import { gitEnv, serverRoot, tempDir } from "./git-helpers.js";

interface Outcome {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
  error: string | null;
}

/** Run a process to its end, feeding `input`, and collect what a caller sees. */
function collect(child: HelperChild | ReturnType<typeof spawn>, input: string | null): Promise<Outcome> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let error: string | null = null;
    child.stdout!.on("data", (c: Buffer) => out.push(c));
    child.stderr!.on("data", (c: Buffer) => err.push(c));
    child.on("error", (e: NodeJS.ErrnoException) => (error = `${e.code}: ${e.message}`));
    child.on("close", (code: number | null, signal: string | null) =>
      resolve({ stdout: Buffer.concat(out).toString("latin1"), stderr: Buffer.concat(err).toString("latin1"), code, signal, error }),
    );
    child.stdin!.on("error", () => {});
    if (input !== null) child.stdin!.end(input);
  });
}

/** Whether `pid` still runs (a zombie does not). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

let tmp: string;
let repo: string;
const helper = new SpawnHelper();

beforeAll(async () => {
  tmp = await tempDir("quire-spawn-helper-");
  repo = path.join(tmp, "repo.git");
  execFileSync("git", ["init", "-q", "--bare", repo], { env: gitEnv() });
  const blob = execFileSync("git", ["hash-object", "-w", "--stdin"], { cwd: repo, env: gitEnv(), input: "hello\n" }).toString().trim();
  writeFileSync(path.join(tmp, "blob"), blob);
});

afterAll(() => {
  helper.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe("the spawn helper", () => {
  const big = "process.stdout.write(Buffer.alloc(3_000_000, 97)); process.stderr.write('e'.repeat(100_000)); process.exitCode = 3";
  const cases: [string, string, string[], string | null][] = [
    ["git's output and exit 0", "git", ["--version"], ""],
    ["git's stderr and exit 128", "git", ["rev-parse", "--verify", "no-such-ref"], ""],
    ["stdin in, objects out", "git", ["cat-file", "--batch"], "BLOB\nmissing\n"],
    ["megabytes of stdout and stderr, exit 3", process.execPath, ["-e", big], ""],
    ["death by a signal", "sh", ["-c", "echo partial; kill -9 $$"], ""],
    ["a program that does not exist", "no-such-program-quire", [], null],
  ];
  it.each(cases)("%s: the same as a direct spawn", async (_name, file, args, input) => {
    const stdin = input?.replace("BLOB", readFileSync(path.join(tmp, "blob"), "utf8")) ?? null;
    const options = { cwd: repo, env: gitEnv({ GIT_DIR: repo }) };
    const direct = await collect(spawn(file, args, { ...options, stdio: ["pipe", "pipe", "pipe"] }), stdin);
    const relayed = await collect(helper.spawn(file, args, options), stdin);
    expect(relayed).toEqual(direct);
    if (file === "git" && args[0] === "--version") expect(relayed.stdout).toMatch(/^git version/);
  });

  it("holds a child back while its reader is full, and delivers every byte", async () => {
    const child = helper.spawn(process.execPath, ["-e", "process.stdout.write(Buffer.alloc(32_000_000, 98))"]);
    let exited = false;
    child.on("exit", () => (exited = true));
    child.stdin.end();
    await until(() => child.stdout.readableLength > 0, "the first output");
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Nobody reads: the helper stopped taking output soon after the reader's buffer filled (what was on the way still lands), so the child waits to write.
    expect(exited).toBe(false);
    expect(child.stdout.readableLength).toBeLessThan(16_000_000);
    let bytes = 0;
    child.stdout.on("data", (c: Buffer) => (bytes += c.length));
    const code = await new Promise<number | null>((resolve) => child.on("close", (c: number | null) => resolve(c)));
    expect(code).toBe(0);
    expect(bytes).toBe(32_000_000);
  });
});

/** The command lines of the server's helper's children. */
function helperChildren(): string[] {
  const out = execFileSync("ps", ["-e", "-o", "ppid=,stat=,args="], { encoding: "utf8" });
  return out
    .split("\n")
    .map((l) => /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(l))
    .filter((m) => m !== null && Number(m[1]) === spawnHelper.pid && !m[2]!.startsWith("Z"))
    .map((m) => m![3]!);
}

describe("git through the helper", () => {
  it("a spent time budget kills git, and the caller hears it", async () => {
    // cat-file --batch waits for requests on its open stdin until killed.
    const proc = await streamGit(repo, ["cat-file", "--batch"], { keepStdin: true, timeoutMs: 2000 });
    await until(() => helperChildren().includes("git cat-file --batch"), "git to start");
    const done = await proc.done;
    expect(done.timedOut).toBe(true);
    expect(done.exitCode).toBe(null);
    expect(helperChildren()).not.toContain("git cat-file --batch");
  });

  it("git's failure reaches the caller with its stderr", async () => {
    const proc = await streamGit(repo, ["log", "no-such-ref"]);
    proc.stdout.resume();
    const done = await proc.done;
    expect(done.exitCode).toBe(128);
    expect(done.stderr).toMatch(/no-such-ref/);
  });
});

/** A server stand-in: starts children through the helper, prints their pids, then waits to die. */
async function startServer(then: "wait" | "exit"): Promise<{ server: ReturnType<typeof spawn>; pids: { helper: number; children: number[] } }> {
  const helperModule = pathToFileURL(path.join(serverRoot, "dist", "git", "spawn-helper.js")).href;
  const script = path.join(tmp, `server-${then}.mjs`);
  writeFileSync(
    script,
    `import { spawnHelper } from ${JSON.stringify(helperModule)};
const children = [spawnHelper.spawn("sleep", ["300"]), spawnHelper.spawn("git", ["cat-file", "--batch"], { cwd: ${JSON.stringify(repo)} })];
await Promise.all(children.map((c) => new Promise((resolve) => c.on("spawn", resolve))));
console.log(JSON.stringify({ helper: spawnHelper.pid, children: children.map((c) => c.pid) }));
${then === "exit" ? "process.exit(0);" : "setInterval(() => {}, 1000);"}
`,
  );
  const server = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve) => server.stdout!.once("data", (c: Buffer) => resolve(c.toString())));
  return { server, pids: JSON.parse(line) as { helper: number; children: number[] } };
}

describe("nothing outlives the server", () => {
  it("kill -9 of the server ends the helper and every child it started", async () => {
    const { server, pids } = await startServer("wait");
    for (const pid of [pids.helper, ...pids.children]) expect(alive(pid)).toBe(true);
    server.kill("SIGKILL");
    await until(() => ![pids.helper, ...pids.children].some(alive), "the helper and its children to end");
  });

  it("a server that exits takes the helper and its children with it", async () => {
    const { pids } = await startServer("exit");
    await until(() => ![pids.helper, ...pids.children].some(alive), "the helper and its children to end");
  });
});
