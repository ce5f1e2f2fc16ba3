// The push socket never crashes: arbitrary bytes and arbitrary JSON get an
// error reply (or a valid one) and the listener keeps answering.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import net from "node:net";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startPushListener, type PushListener } from "../../src/push/listener.js";

let data: string;
let listener: PushListener;
let created = 0;

beforeAll(async () => {
  data = await mkdtemp(path.join(tmpdir(), "quire-fuzz-"));
  await mkdir(path.join(data, "repos"));
  listener = await startPushListener({
    socketPath: path.join(data, "server.sock"),
    reposDir: path.join(data, "repos"),
    createRun: () => ({ id: String(++created) }),
    wake: () => {},
    runUrl: (repo, id) => `http://x/${repo}/runs/${id}`,
    log: () => {},
  });
});
afterAll(async () => {
  await listener.close();
  await rm(data, { recursive: true, force: true });
});

function send(payload: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.createConnection(path.join(data, "server.sock"));
    let out = "";
    s.on("connect", () => s.end(payload));
    s.on("data", (d) => (out += d));
    s.on("close", () => resolve(out));
    s.on("error", reject);
  });
}

function reply(text: string): { ok: boolean } {
  expect(text.endsWith("\n")).toBe(true);
  const r = JSON.parse(text) as { ok: boolean };
  expect(typeof r.ok).toBe("boolean");
  return r;
}

describe("push socket under hostile input", () => {
  it("answers arbitrary bytes with an error and keeps serving (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const r = reply(await send(Buffer.concat([Buffer.from(bytes), Buffer.from("\n")])));
        expect(r.ok).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it("answers arbitrary JSON, push-shaped or not, without creating runs for missing repositories (property)", async () => {
    const sha = fc.constantFrom("0".repeat(40), "a".repeat(40), "xyz");
    const pushLike = fc.record({
      type: fc.constantFrom("push", "wake", "cancel", "other"),
      repo: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("../etc", "/etc/passwd", "a/b/c", "app")),
      pushed_at_ms: fc.oneof(fc.nat(), fc.double()),
      refs: fc.array(fc.record({ ref: fc.oneof(fc.constant("refs/heads/main"), fc.string({ maxLength: 8 })), old_sha: sha, new_sha: sha }), { maxLength: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), pushLike), async (value) => {
        const text = JSON.stringify(value) ?? "null";
        const r = reply(await send(Buffer.from(text.replace(/\n/g, " ") + "\n")));
        if (typeof value === "object" && value !== null && (value as { type?: unknown }).type === "push") expect(r.ok).toBe(false);
      }),
      { numRuns: 200 },
    );
    expect(created).toBe(0);
    expect(reply(await send(Buffer.from('{"type":"wake"}\n'))).ok).toBe(true);
  });

  it("refuses a request line longer than 1 MiB", async () => {
    const r = JSON.parse(await send(Buffer.alloc(1024 * 1024 + 10, 0x61))) as { ok: boolean; error: string };
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/longer than 1048576 bytes/) });
  });

  it("refuses a socket path longer than a Unix socket allows, saying what to do", async () => {
    const long = path.join(data, "d".repeat(120), "server.sock");
    await expect(
      startPushListener({ socketPath: long, reposDir: data, createRun: () => ({ id: "x" }), wake: () => {}, runUrl: () => "", log: () => {} }),
    ).rejects.toThrow(/over the 107 a Unix socket allows; use a shorter --data-dir/);
  });
});
