import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigFileError, loadConfigFile } from "./load.js";
import { resolveServerConfig } from "./types.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "quire-config-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(source: string) {
  const file = path.join(dir, "config.fnl");
  await writeFile(file, source);
  return { file, loaded: await loadConfigFile(file) };
}

async function refusal(source: string): Promise<ConfigFileError> {
  const file = path.join(dir, "config.fnl");
  await writeFile(file, source);
  const e = await loadConfigFile(file).catch((err: unknown) => err);
  expect(e).toBeInstanceOf(ConfigFileError);
  return e as ConfigFileError;
}

describe("loadConfigFile", () => {
  it("gives defaults when the file is absent", async () => {
    expect(await loadConfigFile(path.join(dir, "missing.fnl"))).toEqual({ config: {}, warnings: [], present: false });
  });

  it("warns, by name and position, about secrets too short to redact, inline or in a file", async () => {
    await writeFile(path.join(dir, "short.txt"), "1234\n");
    await writeFile(path.join(dir, "long.txt"), "long-enough-value\n");
    const { loaded } = await load(`{:port 1\n :secrets {:pin "1234" :ok "twelve-bytes" :pinfile {:file "short.txt"} :longfile {:file "long.txt"} :absent {:file "nope.txt"}}}\n`);
    expect(loaded.warnings).toEqual([
      expect.stringMatching(/config\.fnl:2:1: secret "pin" is shorter than 8 bytes, so runs cannot redact it from logs, commands or events; use a longer value$/),
      expect.stringMatching(/config\.fnl:2:1: secret "pinfile" is shorter than 8 bytes/),
    ]);
  });

  it("reads every key of SPEC §8, with secrets inline or from a file", async () => {
    const { loaded } = await load(`;; quire config
{:port 8080
 :bind "0.0.0.0"
 :host "git.example.org"
 :secrets {:deploy "abc-long-enough" :token {:file "token.txt"}}
 :max-concurrent-runs 2
 :max-parallel-jobs 4
 :run-timeout 600
 :trusted-proxies ["127.0.0.1"]
 :sendmail "/usr/sbin/sendmail"
 :notifications {:to ["me@example.org"]}}
`);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.config).toEqual({
      port: 8080,
      bind: "0.0.0.0",
      host: "git.example.org",
      secrets: { deploy: "abc-long-enough", token: { file: path.join(dir, "token.txt") } },
      maxConcurrentRuns: 2,
      maxParallelJobs: 4,
      runTimeoutSeconds: 600,
      trustedProxies: ["127.0.0.1"],
    });
    expect(resolveServerConfig(loaded.config).port).toBe(8080);
  });

  it("is Fennel, evaluated: locals and expressions work", async () => {
    const { loaded } = await load(`(local base 3000)\n{:port (+ base 1) :max-concurrent-runs (math.max 1 2)}\n`);
    expect(loaded.config).toEqual({ port: 3001, maxConcurrentRuns: 2 });
  });

  it("warns about unknown keys by name and position", async () => {
    const { file, loaded } = await load(`{:port 3000\n :colour "blue"}\n`);
    expect(loaded.config).toEqual({ port: 3000 });
    expect(loaded.warnings).toEqual([expect.stringMatching(new RegExp(`^${file}:2:1: unknown key :colour is ignored \\(known keys: :port `))]);
  });

  it("refuses a file that does not parse, with file:line:col", async () => {
    const e = await refusal(`{:port 3000\n :bind "x"\n`);
    expect(e.problems[0]).toMatch(/config\.fnl:\d+:\d+: Parse error/);
  });

  it("refuses a compile error (unknown identifier) with file:line:col", async () => {
    const e = await refusal(`{:port nope}\n`);
    expect(e.problems[0]).toMatch(/config\.fnl:1:\d+: Compile error: .*nope/);
  });

  it("refuses a runtime error with its position", async () => {
    const e = await refusal(`(error "bad config")\n`);
    expect(e.message).toMatch(/config\.fnl:1.*bad config/);
  });

  it("has no io or os in the sandbox", async () => {
    const e = await refusal(`{:port (io.read)}\n`);
    expect(e.message).toMatch(/config\.fnl:1/);
  });

  it("refuses a file that does not give a table", async () => {
    expect((await refusal(`42\n`)).message).toMatch(/must end with one table such as \{:port 3000\}; it gave number 42/);
    expect((await refusal(`[1 2]\n`)).message).toMatch(/it gave a sequence/);
  });

  it("collects every wrong value at once, naming key and position", async () => {
    const e = await refusal(`{:port "80"\n :max-concurrent-runs 0\n :secrets {:a 1 :b {:path "x"}}\n :trusted-proxies "all"}\n`);
    expect(e.problems).toEqual([
      expect.stringMatching(/config\.fnl:1:1: :port must be a whole number 0–65535, got string "80"/),
      expect.stringMatching(/config\.fnl:2:1: :max-concurrent-runs must be a whole number ≥ 1, got number 0/),
      expect.stringMatching(/config\.fnl:3:1: secret "a" must be a string or \{:file "\/path"\}, got number 1/),
      expect.stringMatching(/config\.fnl:3:1: secret "b" must be a string or \{:file "\/path"\}, got a table/),
      expect.stringMatching(/config\.fnl:4:1: :trusted-proxies must be a sequence of addresses/),
    ]);
  });
});
