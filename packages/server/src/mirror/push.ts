// One mirror push: the refs of one repository to one target, never forced,
// with the credential in that git push's environment only. Returns per-ref
// results and an outcome; git's stderr comes back with every secret redacted.
import { spawn } from "node:child_process";
import type { Redactor } from "@quire/shared";
import type { MirrorTarget } from "../config/mirrors.js";
import { SecretUnavailableError } from "../config/secrets.js";
import type { SecretSource } from "../config/types.js";
import { runGit } from "../git/run-git.js";
import { pushAuth, scrubbedEnv } from "./credentials.js";
import { parsePorcelain, type RefPushResult } from "./porcelain.js";

export type MirrorOutcome = "ok" | "error" | "needs-human";

export interface MirrorPushResult {
  outcome: MirrorOutcome;
  refs: RefPushResult[];
  /** One line on what went wrong; null when ok. */
  error: string | null;
  /** git's stderr, redacted and cut to MAX_STDERR. */
  stderr: string;
  /** Worth another attempt later (a network or server problem, not a diverged ref or a config mistake). */
  retryable: boolean;
  /** Stopped through `signal`: not a verdict on the target. */
  aborted?: boolean;
  startedAtMs: number;
  finishedAtMs: number;
}

export interface MirrorPushOptions {
  gitDir: string;
  /** The target URL with {repo} filled in. */
  url: string;
  target: Pick<MirrorTarget, "secret" | "deletions">;
  /** Ref names to bring to their current value here (or delete there, when gone here and the target opts in). */
  refs: string[];
  secrets: Record<string, SecretSource>;
  redactor: Redactor;
  /** Kill git after this long (default MIRROR_PUSH_TIMEOUT_MS). */
  timeoutMs?: number;
  /** A known_hosts file read beside ~/.ssh/known_hosts for ssh targets (the data directory's). */
  knownHostsFile?: string;
  /** Stops git at once (the server is stopping); the result then has `aborted` set. */
  signal?: AbortSignal;
}

export const MIRROR_PUSH_TIMEOUT_MS = 10 * 60_000;
const MAX_STDERR = 16 * 1024;

/** Current values of `refs` in `gitDir` (absent refs are missing from the map). */
async function localRefs(gitDir: string, refs: string[]): Promise<Map<string, string>> {
  const out = await runGit(["for-each-ref", "--format=%(refname) %(objectname)", ...refs.map((r) => `${r}`)], { gitDir });
  const map = new Map<string, string>();
  for (const line of out.split("\n")) {
    const [name, sha] = line.split(" ");
    if (name && sha && refs.includes(name)) map.set(name, sha);
  }
  return map;
}

/** Why the push failed as a whole, in one line, from git's stderr. */
export function summarizeFailure(stderr: string, secret: string | null): string {
  if (/Authentication failed|HTTP 401|returned error: 40[13]|Permission denied \(publickey|Invalid username or password|could not read Username/i.test(stderr)) {
    return secret === null
      ? "the target refused access: it needs a secret (name one in :mirrors)"
      : `the target refused the credentials of secret ${JSON.stringify(secret)}: check the token and its rights`;
  }
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/.test(stderr)) {
    return "the target's ssh host key is not the one known_hosts holds: it may be an impostor, or the host changed its key; check the new fingerprint with its owner before replacing the line";
  }
  if (/Host key verification failed|No [A-Z0-9-]+ host key is known/.test(stderr)) {
    return "the target's ssh host key is not known: add it to the data directory's known_hosts (ssh-keyscan HOST >> known_hosts, after checking the fingerprint) or to the server user's ~/.ssh/known_hosts";
  }
  if (/timed out after/.test(stderr)) return stderr.trim().split("\n").pop()!;
  const lines = stderr.split("\n").map((l) => l.trim()).filter((l) => /^(fatal|error):/.test(l));
  return lines[0] ?? (stderr.trim().split("\n").pop() || "git push failed without a message");
}

function divergedMessage(diverged: RefPushResult[]): string {
  const names = diverged.map((r) => r.ref).join(", ");
  return `${names}: the target has commits this repository lacks (${diverged[0]!.detail}); quire never forces: reconcile by hand, then push again or run \`quire mirror push\``;
}

/** Push `options.refs` to the target. Never throws for a failed push: the result says what happened. */
export async function pushToMirror(options: MirrorPushOptions): Promise<MirrorPushResult> {
  // Every refspec is `refs/…:refs/…` or `:refs/…`: never a "+" (force) or a pattern.
  const odd = options.refs.find((r) => !/^refs\/[^*:+\s]+$/.test(r));
  if (odd !== undefined) throw new RangeError(`mirror push: ${JSON.stringify(odd)} is not a full ref name (refs/…)`);
  const startedAtMs = Date.now();
  const done = (r: Omit<MirrorPushResult, "startedAtMs" | "finishedAtMs">): MirrorPushResult => ({ ...r, startedAtMs, finishedAtMs: Math.max(Date.now(), startedAtMs) });
  const current = await localRefs(options.gitDir, options.refs);
  const refspecs: string[] = [];
  const skipped: RefPushResult[] = [];
  for (const ref of options.refs) {
    // No "+": a push to a mirror is never forced.
    if (current.has(ref)) refspecs.push(`${ref}:${ref}`);
    else if (options.target.deletions) refspecs.push(`:${ref}`);
    else skipped.push({ ref, status: "skipped", detail: "deleted here; the target keeps it (the mirror does not set :deletions)" });
  }
  if (refspecs.length === 0) return done({ outcome: "ok", refs: skipped, error: null, stderr: "", retryable: false });

  let auth;
  try {
    auth = await pushAuth(options.url, options.target, options.secrets, { knownHostsFile: options.knownHostsFile });
  } catch (e) {
    if (!(e instanceof SecretUnavailableError)) throw e;
    return done({ outcome: "error", refs: skipped, error: `${e.message}; the push was not attempted`, stderr: "", retryable: false });
  }
  try {
    const env = { ...scrubbedEnv(process.env), ...auth.env, GIT_DIR: options.gitDir };
    const { code, stdout, stderr, aborted } = await runPush(["push", "--porcelain", "--no-verify", options.url, ...refspecs], {
      env,
      cwd: options.gitDir,
      timeoutMs: options.timeoutMs ?? MIRROR_PUSH_TIMEOUT_MS,
      signal: options.signal,
    });
    const redacted = options.redactor.redact(stderr).slice(-MAX_STDERR);
    const refs = [...parsePorcelain(options.redactor.redact(stdout)), ...skipped];
    if (aborted) return done({ outcome: "error", refs, error: "stopped: quire serve was stopping", stderr: redacted, retryable: true, aborted: true });
    const diverged = refs.filter((r) => r.status === "diverged");
    const rejected = refs.filter((r) => r.status === "rejected");
    if (diverged.length > 0) return done({ outcome: "needs-human", refs, error: divergedMessage(diverged), stderr: redacted, retryable: false });
    if (code !== 0 || rejected.length > 0) {
      const error = rejected.length > 0 ? `${rejected.map((r) => `${r.ref} ${r.detail}`).join(", ")}` : summarizeFailure(redacted, options.target.secret);
      return done({ outcome: "error", refs, error, stderr: redacted, retryable: true });
    }
    return done({ outcome: "ok", refs, error: null, stderr: redacted, retryable: false });
  } finally {
    await auth.cleanup();
  }
}

interface PushExit {
  code: number | null;
  stdout: string;
  stderr: string;
  aborted: boolean;
}

/** Run git in its own process group, so a timeout stops its transport helpers (ssh, remote-https) too. */
function runPush(args: string[], options: { env: NodeJS.ProcessEnv; cwd: string; timeoutMs: number; signal?: AbortSignal }): Promise<PushExit> {
  const { env, cwd, timeoutMs, signal } = options;
  return new Promise((resolve) => {
    const child = spawn("git", args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      if (stderr.length > 4 * MAX_STDERR) stderr = stderr.slice(-2 * MAX_STDERR);
    });
    let timedOut = false;
    const kill = () => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    signal?.addEventListener("abort", kill, { once: true });
    const finish = (exit: PushExit) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", kill);
      resolve(exit);
    };
    child.on("error", (e) => finish({ code: null, stdout, stderr: `${stderr}error: cannot run git: ${e.message}\n`, aborted: false }));
    child.on("close", (code) => {
      if (timedOut) stderr += `\nfatal: the push timed out after ${Math.round(timeoutMs / 1000)} s and was stopped\n`;
      finish({ code: timedOut ? null : code, stdout, stderr, aborted: signal?.aborted === true });
    });
  });
}
