// In-memory listeners hear of a push only once it is committed (issue 10):
// a real quire on a real quire.db file, pushes sent through its push socket.
// A commit that fails (a deferred foreign key the test adds to the push
// ledger) rolls back the runs and the push history, and no listener is told;
// the same push sent again once the database takes it is announced once,
// and a third send of that push id is not announced again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { PushEvent } from "@quire/shared";
import { startQuire, type QuireHandle } from "../../src/serve/start.js";
import { attachPushSocket } from "../../src/push/attach.js";
import { sendToServer } from "../../src/push/client.js";
import { spoolDir } from "../../src/push/spool.js";
import { commitFiles, git, quire, tempDir, workTree } from "../git/git-helpers.js";

let data: string;
let work: string;
let server: QuireHandle | undefined;
const heard: { repo: string; sha: string }[] = [];
let sha: string;

beforeAll(async () => {
  data = await tempDir("quire-announce-");
  expect(quire(data, ["repo", "new", "app"]).status).toBe(0);
  work = await workTree(path.join(data, "repos", "app.git"));
  sha = await commitFiles(work, { ".quire/ci.fnl": `(ci.job :ok [:quire/push] (fn [{: sh}] (sh "true")))\n` }, "pipeline");
  // No server yet: the hook spools the push; the test sends its own events instead.
  git(work, ["push", "-q", "origin", "main"]);
  await rm(spoolDir(data), { recursive: true, force: true });
  server = await startQuire({ dataDir: data, config: { port: 0 }, log: () => {} });
  await attachPushSocket(server);
  server.pushes.subscribe((repo, event) => heard.push({ repo, sha: event.refs[0]!.new_sha }));
});
afterAll(async () => {
  await server?.close();
  await rm(data, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

const event: PushEvent = {
  type: "push",
  repo: "app.git",
  refs: [{ ref: "refs/heads/main", old_sha: "0".repeat(40), new_sha: "" }],
  pushed_at_ms: 0,
  push_id: "5f0c2a52-2f0e-4d35-9c55-0a8a1f2b7c11",
};

async function send(): Promise<{ ok: boolean; error?: string; runs?: unknown[]; repeated?: boolean }> {
  const e = { ...event, refs: [{ ...event.refs[0]!, new_sha: sha }], pushed_at_ms: Date.now() };
  const result = await sendToServer(server!.paths.socket, e);
  if (result.status !== "answered") throw new Error(`no answer: ${JSON.stringify(result)}`);
  return result.reply as { ok: boolean; error?: string };
}

const count = (sql: string): number => (server!.db.sqlite.prepare(sql).get(sha) as { n: number }).n;

describe("push listeners", () => {
  it("are not told of a push whose transaction fails to commit; the push and its history roll back", async () => {
    const sqlite = server!.db.sqlite;
    // Every push id recorded needs a row here, checked at COMMIT: the commit itself fails.
    sqlite.exec(`CREATE TABLE veto_parent (id INTEGER PRIMARY KEY);
      CREATE TABLE veto (id INTEGER REFERENCES veto_parent (id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TRIGGER veto_pushes AFTER INSERT ON pushes BEGIN INSERT INTO veto VALUES (1); END;`);
    const reply = await send();
    expect(reply.ok).toBe(false);
    expect(reply.error).toMatch(/FOREIGN KEY constraint failed/);
    expect(heard).toEqual([]);
    expect(count("SELECT count(*) AS n FROM runs WHERE sha = ?")).toBe(0);
    expect(count("SELECT count(*) AS n FROM ref_updates WHERE new_sha = ?")).toBe(0);
    expect(sqlite.inTransaction).toBe(false);
    sqlite.exec("DROP TRIGGER veto_pushes; DROP TABLE veto; DROP TABLE veto_parent;");
  });

  it("are told of a committed push once, and not again when its push id comes back", async () => {
    const first = await send();
    expect(first.ok, first.error).toBe(true);
    expect(first.runs).toHaveLength(1);
    expect(heard).toEqual([{ repo: "app.git", sha }]);
    expect(count("SELECT count(*) AS n FROM runs WHERE sha = ?")).toBe(1);
    expect(count("SELECT count(*) AS n FROM ref_updates WHERE new_sha = ?")).toBe(1);
    const again = await send();
    expect(again).toMatchObject({ ok: true, repeated: true });
    expect(heard).toHaveLength(1);
    expect(count("SELECT count(*) AS n FROM ref_updates WHERE new_sha = ?")).toBe(1);
  });
});
