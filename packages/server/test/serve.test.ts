// `quire serve` from the built binary: migrations applied and /healthz up,
// --port/--bind honoured, SIGTERM stops it cleanly. Needs `pnpm build` first
// (the README's test command builds before testing).
import { spawn } from "node:child_process";
import { defaultLauncherName } from "../src/runs/launchers/choose.js";
import { limitsMechanism } from "../src/runs/launchers/guard.js";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { runMain } from "./cli-helpers.js";
import { resolveServerConfig, DEFAULT_SERVER_CONFIG } from "../src/config/types.js";
import { tempDir } from "./helpers.js";

const BIN = fileURLToPath(new URL("../dist/bin/quire.js", import.meta.url));
let tmp: ReturnType<typeof tempDir>;
afterEach(() => tmp?.cleanup());

describe("quire serve", () => {
  it("starts from the built binary, answers /healthz, stops on SIGTERM", async () => {
    expect(existsSync(BIN), `build first: pnpm --filter @quire/server build (missing ${BIN})`).toBe(true);
    tmp = tempDir();
    const child = spawn(process.execPath, [BIN, "--data-dir", tmp.dir, "serve", "--port", "0", "--bind", "127.0.0.1"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, QUIRE_DATA_DIR: "" },
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d) => {
        out += d;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once("exit", (code) => reject(new Error(`quire serve exited ${code}: ${err}`)));
    });
    expect(out).toContain(tmp.dir);
    const r = await fetch(`${url}/healthz`);
    expect(r.status).toBe(200);
    // The launcher: bwrap wherever it is on PATH (with how limits are held), else local.
    const launcher = defaultLauncherName();
    expect(await r.json()).toEqual({ status: "ok", launcher, ...(launcher === "bwrap" ? { limits: limitsMechanism().kind } : {}) });
    expect(out).toMatch(new RegExp(`quire serve: launcher ${launcher}: `));
    const db = new Database(path.join(tmp.dir, "quire.db"), { readonly: true });
    expect(db.prepare("SELECT name FROM schema_migrations").all()).toContainEqual({ name: "0001_initial.sql" });
    db.close();
    const code = await new Promise<number | null>((resolve) => {
      child.once("exit", (c) => resolve(c));
      child.kill("SIGTERM");
    });
    expect(code).toBe(0);
  });

  it("rejects bad flags by name before it starts", async () => {
    for (const [args, message] of [
      [["--port", "http"], /--port needs a whole number 0–65535, got "http"/],
      [["--port", "70000"], /--port needs a whole number 0–65535, got "70000"/],
      [["--port"], /--port needs a value: --port N/],
      [["--verbose"], /unknown option "--verbose" for quire serve/],
      [["--prot", "80"], /unknown option "--prot" for quire serve; did you mean "--port"\?/],
    ] as const) {
      const r = await runMain(["--data-dir", tmp.dir, "serve", ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(message);
    }
  });

  it("defaults SPEC §8 keys and checks ranges", () => {
    expect(resolveServerConfig({})).toEqual(DEFAULT_SERVER_CONFIG);
    expect(DEFAULT_SERVER_CONFIG).toMatchObject({ port: 3000, bind: "127.0.0.1", maxConcurrentRuns: 1, maxParallelJobs: 1, runTimeoutSeconds: 3600 });
    expect(resolveServerConfig({ port: undefined, maxConcurrentRuns: 3 }).maxConcurrentRuns).toBe(3);
    expect(() => resolveServerConfig({ maxConcurrentRuns: 0 })).toThrow(/:max-concurrent-runs: must be a whole number ≥ 1, got 0/);
    expect(() => resolveServerConfig({ runTimeoutSeconds: -1 })).toThrow(/:run-timeout/);
    expect(() => resolveServerConfig({ port: 70000 })).toThrow(/:port/);
    expect(() => resolveServerConfig({ secrets: { x: { path: "/a" } as never } })).toThrow(/secret "x" must be a string or \{:file/);
  });
});
