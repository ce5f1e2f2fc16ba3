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
 :pipeline-memory (* 256 1024 1024)
 :log-free-space (* 64 1024 1024)
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
      pipelineMemoryBytes: 256 * 1024 * 1024,
      logFreeSpaceBytes: 64 * 1024 * 1024,
      trustedProxies: ["127.0.0.1"],
      sendmail: ["/usr/sbin/sendmail"],
      notifications: { to: ["me@example.org"] },
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
    const e = await refusal(`{:port "80"\n :max-concurrent-runs 0\n :secrets {:a 1 :b {:path "x"}}\n :trusted-proxies "all"\n :pipeline-memory 0\n :log-free-space -1}\n`);
    expect(e.problems).toEqual([
      expect.stringMatching(/config\.fnl:1:1: :port must be a whole number 0–65535, got string "80"/),
      expect.stringMatching(/config\.fnl:2:1: :max-concurrent-runs must be a whole number ≥ 1, got number 0/),
      expect.stringMatching(/config\.fnl:3:1: secret "a" must be a string or \{:file "\/path"\}, got number 1/),
      expect.stringMatching(/config\.fnl:3:1: secret "b" must be a string or \{:file "\/path"\}, got a table/),
      expect.stringMatching(/config\.fnl:4:1: :trusted-proxies must be a sequence of addresses/),
      expect.stringMatching(/config\.fnl:5:1: :pipeline-memory must be a whole number of bytes ≥ 1, e\.g\. \(\* 512 1024 1024\), got number 0/),
      expect.stringMatching(/config\.fnl:6:1: :log-free-space must be a whole number of bytes ≥ 0 \(0: no reserve\), e\.g\. \(\* 256 1024 1024\), got number -1/),
    ]);
  });

  it("reads mirrors, notifications, smtp, retention and retry delays", async () => {
    const { loaded } = await load(`{:secrets {:gh "tok-123456789" :mail-pw "mail-password-1" :hook "hook-secret-1"}
 :mirrors {"https://github.com/me/{repo}.git" :gh
           "file:///srv/backup/{name}.git" true
           "ssh://git@example.org/{repo}.git" {:secret :gh :refs ["refs/heads/main" "refs/tags/*"] :deletions true}}
 :notifications {:to ["ops@example.org"] :on [:ci-failed] :from "quire@example.org"
                 :webhook {:url "https://hooks.example.org/quire" :secret :hook}}
 :smtp {:host "smtp.example.org" :user "me" :password :mail-pw}
 :retention {:keep-days 30}
 :retry-delays [1 2.5]}
`);
    expect(loaded.warnings).toEqual([]);
    const c = resolveServerConfig(loaded.config);
    expect(c.mirrors).toEqual([
      { url: "https://github.com/me/{repo}.git", secret: "gh", refs: null, deletions: false },
      { url: "file:///srv/backup/{name}.git", secret: null, refs: null, deletions: false },
      { url: "ssh://git@example.org/{repo}.git", secret: "gh", refs: ["refs/heads/main", "refs/tags/*"], deletions: true },
    ]);
    expect(c.notifications).toEqual({
      to: ["ops@example.org"],
      on: ["ci-failed"],
      from: "quire@example.org",
      webhook: { url: "https://hooks.example.org/quire", secret: "hook" },
    });
    expect(c.smtp).toEqual({ host: "smtp.example.org", port: 587, user: "me", password: "mail-pw", from: null, secure: false });
    expect(c.retention).toEqual({ keepRunsPerRef: 50, keepDays: 30 });
    expect(c.retryDelaysSeconds).toEqual([1, 2.5]);
  });

  it("has defaults for the notification, mirror and retention keys", () => {
    const c = resolveServerConfig({});
    expect(c).toMatchObject({ mirrors: [], notifications: {}, smtp: null, sendmail: null, retention: { keepRunsPerRef: 50, keepDays: 90 } });
    expect(c.retryDelaysSeconds.length).toBeGreaterThan(0);
  });

  it("refuses credentials in a mirror URL and names what to do", async () => {
    const e = await refusal(`{:secrets {:gh "tok-123456789"}\n :mirrors {"https://me:tok-123456789@github.com/me/x.git" :gh}}\n`);
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatch(/config\.fnl:2:\d+: mirror URL "https:\/\/…@github\.com\/me\/x\.git" carries credentials: remove them from the URL, put the token in :secrets/);
    expect(e.message).not.toContain("tok-123456789@");
  });

  it("collects every bad mirror, notification, mail and retention value with its position", async () => {
    const e = await refusal(`{:secrets {:gh "tok-123456789"}
 :mirrors {"ftp://example.org/x.git" :gh
           "https://example.org/{owner}.git" :gh
           "https://example.org/y.git" {:secret :gh :refs ["heads/main"] :force true}}
 :notifications {:to ["not an address"] :on [:ci-broken]}
 :smtp {:host "smtp.example.org" :password "hunter2"}
 :sendmail "sendmail -t; rm -rf /"
 :retention {:keep-runs-per-ref 0 :keep-days -1}
 :retry-delays "soon"}
`);
    const text = e.problems.join("\n");
    expect(text).toMatch(/:2:\d+: mirror URL "ftp:\/\/example\.org\/x\.git" is not https:\/\/, http:\/\/, ssh:\/\/, file:\/\/ or user@host:path/);
    expect(text).toMatch(/:3:\d+: mirror URL .* holds \{owner\}: the placeholders are \{repo\} and \{name\}/);
    expect(text).toMatch(/:4:\d+: mirror "https:\/\/example\.org\/y\.git": unknown key :force/);
    expect(text).toMatch(/:4:\d+: mirror .*ref pattern "heads\/main" must start with "refs\/"/);
    expect(text).toMatch(/:5:\d+: :notifications :to must be mail addresses .*got "not an address"/);
    expect(text).toMatch(/:5:\d+: :notifications :on must list events of :ci-failed :ci-fixed, got "ci-broken"/);
    expect(text).toMatch(/:6:\d+: :smtp :password needs :user/);
    expect(text).toMatch(/:7:\d+: :sendmail "sendmail -t; rm -rf \/" cannot be read at character 12: ";" is a command separator/);
    expect(text).toMatch(/:8:\d+: :retention :keep-runs-per-ref must be a whole number ≥ 1/);
    expect(text).toMatch(/:8:\d+: :retention :keep-days must be a number of days ≥ 0, got number -1/);
    expect(text).toMatch(/:9:\d+: :retry-delays must be a sequence of seconds/);
  });

  it("refuses a secret name that :secrets does not declare", async () => {
    const e = await refusal(`{:secrets {:gh "tok-123456789"}\n :mirrors {"https://example.org/z.git" :missing}\n :notifications {:webhook {:url "https://h.example.org/" :secret :nope}}}\n`);
    expect(e.problems).toEqual([
      expect.stringMatching(/:2:\d+: mirror "https:\/\/example\.org\/z\.git" names the secret "missing", which :secrets does not declare \(declared: gh\)/),
      expect.stringMatching(/:3:\d+: :notifications :webhook :secret names the secret "nope"/),
    ]);
  });

  it("refuses :smtp together with :sendmail and warns about :to without a transport", async () => {
    expect((await refusal(`{:smtp {:host "h"} :sendmail "/usr/sbin/sendmail -t"}\n`)).message).toMatch(/set :smtp or :sendmail, not both/);
    const { loaded } = await load(`{:notifications {:to ["me@example.org"]}}\n`);
    expect(loaded.warnings).toEqual([expect.stringMatching(/:1:1: :notifications :to is set but neither :smtp nor :sendmail is/)]);
  });
});

describe("launcher settings", () => {
  it("reads :launcher, :limits (any subset), :sandbox-user, :sandbox-binds and :runner-timeout", async () => {
    const { loaded } = await load(`{:launcher "bwrap"
 :limits {:memory (* 512 1024 1024) :processes 64}
 :sandbox-user "nobody"
 :sandbox-binds ["/opt/toolchains"]
 :runner-timeout 45}`);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.config).toEqual({
      launcher: "bwrap",
      limits: { memoryBytes: 512 * 1024 * 1024, processes: 64, cpuSeconds: 7200 },
      sandboxUser: "nobody",
      sandboxBinds: ["/opt/toolchains"],
      runnerTimeoutSeconds: 45,
    });
    const resolved = resolveServerConfig(loaded.config);
    expect(resolved.limits.processes).toBe(64);
    expect(resolveServerConfig({}).launcher).toBeNull();
  });

  it("refuses each bad value at its position, all at once", async () => {
    const e = await refusal(`{:launcher "docker"
 :limits {:memory 10 :threads 4 :cpu-time "lots"}
 :sandbox-binds ["relative/path"]
 :sandbox-user 0
 :runner-timeout -1}`);
    // Keys inside one table come in no fixed order: compare as a set.
    expect(e.problems).toHaveLength(7);
    expect(e.problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/config\.fnl:1:1: :launcher must be "local", "bwrap" or "remote", got string "docker"/),
      expect.stringMatching(/config\.fnl:2:1: :limits has an unknown key :threads/),
      expect.stringMatching(/config\.fnl:2:1: :limits \{:cpu-time …\} must be a number, got string "lots"/),
      expect.stringMatching(/config\.fnl:2:1: :limits \{:memory …\} must be a whole number ≥ 16777216, got 10/),
      expect.stringMatching(/config\.fnl:3:1: :sandbox-binds must be a sequence of absolute paths/),
      expect.stringMatching(/config\.fnl:4:1: :sandbox-user must be a user name such as "nobody", or a uid > 0, got number 0/),
      expect.stringMatching(/config\.fnl:5:1: :runner-timeout must be a number of seconds > 0, got number -1/),
    ]));
  });
});
