import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { publishServer, runningServer, unpublishServer } from "./published-url.js";

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the running server's published URL", () => {
  it("is read back while its process lives, and removed by that process only", () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "quire-serve-json-"));
    const file = path.join(dir, "serve.json");
    expect(runningServer(file)).toBeUndefined();
    const info = { url: "http://127.0.0.1:43117", base_url: "https://forge.example.org", pid: process.pid, started_at_ms: 1 };
    publishServer(file, info);
    expect(runningServer(file)).toEqual(info);

    // A file left by a server that is gone is ignored, and not removed by another process.
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    publishServer(file, { ...info, pid: Number(dead.stdout) });
    expect(runningServer(file)).toBeUndefined();
    unpublishServer(file);
    expect(existsSync(file)).toBe(true);

    publishServer(file, info);
    unpublishServer(file);
    expect(existsSync(file)).toBe(false);
    writeFileSync(file, "{not json");
    expect(runningServer(file)).toBeUndefined();
  });
});
