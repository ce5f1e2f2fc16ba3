// Registered runners (docs/SCALING.md): `quire runner new NAME` makes one
// with a fresh token, of which only the hash is kept; list and remove; and
// the check of a runner's bearer token. Tokens are `<name>.<random>` so the
// name finds the row; hashes are compared in constant time (runs/tokens.ts).
import { randomBytes } from "node:crypto";
import type { Db } from "../db/open.js";
import type { RunnerRow } from "../db/schema.js";
import { stmt } from "../db/statements.js";
import { hashRunToken, tokenMatches } from "../runs/tokens.js";

/** A runner name: lowercase letters, digits, '.', '_' or '-', 1–64, not starting with '.' or '-'. */
export const RUNNER_NAME = /^[a-z0-9_][a-z0-9._-]{0,63}$/;

/** A name that is not a valid runner name, or one already taken / unknown. */
export class RunnerNameError extends Error {
  constructor(readonly runnerName: string, message: string) {
    super(message);
    this.name = "RunnerNameError";
  }
}

const COLUMNS = `name, token_hash AS tokenHash, created_at_ms AS createdAtMs, max_concurrent_runs AS maxConcurrentRuns,
  labels_json AS labelsJson, agent_id AS agentId, last_seen_at_ms AS lastSeenAtMs`;

export function getRunner(db: Db, name: string): RunnerRow | undefined {
  return stmt(db.sqlite, `SELECT ${COLUMNS} FROM runners WHERE name = ?`).get(name) as RunnerRow | undefined;
}

export function listRunners(db: Db): RunnerRow[] {
  return stmt(db.sqlite, `SELECT ${COLUMNS} FROM runners ORDER BY name`).all() as RunnerRow[];
}

function checkName(name: string): void {
  if (!RUNNER_NAME.test(name)) {
    throw new RunnerNameError(
      name,
      `runner name ${JSON.stringify(name)} is not allowed: use lowercase letters, digits, '.', '_' or '-' (at most 64, not starting with '.' or '-'), e.g. arm-box-1`,
    );
  }
}

/** Register runner `name`; returns its token, shown once. Throws RunnerNameError when the name is bad or taken. */
export function createRunner(db: Db, name: string, options: { maxConcurrentRuns?: number; nowMs?: number } = {}): string {
  checkName(name);
  const max = options.maxConcurrentRuns ?? 1;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`--max-concurrent-runs must be a whole number ≥ 1, got ${max}`);
  const token = `${name}.${randomBytes(32).toString("base64url")}`;
  const inserted = stmt(
    db.sqlite,
    "INSERT INTO runners (name, token_hash, created_at_ms, max_concurrent_runs) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
  ).run(name, hashRunToken(token), options.nowMs ?? Date.now(), max);
  if (inserted.changes !== 1) throw new RunnerNameError(name, `a runner named ${JSON.stringify(name)} exists; remove it first (quire runner remove ${name}) or pick another name`);
  return token;
}

/** Forget runner `name` (its runs keep its name). Throws RunnerNameError when there is none. */
export function removeRunner(db: Db, name: string): void {
  if (stmt(db.sqlite, "DELETE FROM runners WHERE name = ?").run(name).changes !== 1) {
    throw new RunnerNameError(name, `no runner named ${JSON.stringify(name)}; see quire runner list`);
  }
}

/** The runner a bearer token belongs to, or undefined (a miss costs what a mismatch costs). */
export function runnerOfToken(db: Db, token: string): RunnerRow | undefined {
  const dot = token.lastIndexOf(".");
  const name = dot > 0 ? token.slice(0, dot) : "";
  const row = RUNNER_NAME.test(name) ? getRunner(db, name) : undefined;
  return tokenMatches(token, row?.tokenHash) ? row : undefined;
}
