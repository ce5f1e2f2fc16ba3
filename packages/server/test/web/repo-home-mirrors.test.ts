// The repo home shows each mirror target and how its last copy went, from the
// same query `quire mirror status` prints; and a config whose mistakes are
// outside :private leaves the repository public (privacy fails closed only
// when :private itself is in doubt).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { buildFixtureRepo, type FixtureRepo } from "./fixture-repo.js";
import { request, startWeb, type WebHarness } from "./harness.js";
import { attachMirrors } from "../../src/mirror/attach.js";
import { gitEnv } from "../git/git-helpers.js";
import { waitFor } from "../helpers.js";
import { mirrorStatus } from "../../src/mirror/status.js";

let web: WebHarness;
let fx: FixtureRepo;
let backup: string;
let socketPath: string;

beforeAll(async () => {
  socketPath = path.join(await import("node:os").then((os) => os.tmpdir()), `quire-mirrors-web-${process.pid}.sock`);
  web = await startWeb(
    (repos) => {
      backup = path.join(repos, "..", "backup.git");
      execFileSync("git", ["init", "-q", "--bare", "-b", "main", backup], { env: gitEnv() });
      fx = buildFixtureRepo(repos, "demo", { configFnl: `{:mirrors {"file://${backup}" true}}` });
      buildFixtureRepo(repos, "typo", { configFnl: `{:mirrors "not a table" :private false}` });
      buildFixtureRepo(repos, "unsure", { configFnl: `{:private "yes"}` });
    },
    { httpSocket: socketPath },
  );
  attachMirrors(web.quire);
}, 60_000);

afterAll(async () => {
  await web?.close();
});

describe("mirror status on the repo home", () => {
  it("shows nothing before the first push, then each target and how its copy went", async () => {
    const before = await web.get("/demo");
    expect(before.text).not.toContain('id="mirrors"');
    await web.push({ repo: "demo", refs: [{ ref: "refs/heads/main", old_sha: "0".repeat(40), new_sha: fx.sha.head }] });
    await waitFor(() => mirrorStatus(web.quire.db, "demo.git")[0]?.last?.outcome === "ok", "the mirror push");
    const after = await web.get("/demo");
    expect(after.text).toMatch(/<span class="pill state-complete">ok<\/span>/);
    expect(after.text).toContain("1 ref pushed");
    // The mirror got the commit.
    expect(execFileSync("git", ["--git-dir", backup, "rev-parse", "main"], { encoding: "utf8" }).trim()).toBe(fx.sha.head);
    // A page with mirror status is never served stale from the page cache.
    expect(after.headers["cache-control"]).toBe("no-cache");
  });
});

describe("which config mistakes hide a repository", () => {
  it("a mistake outside :private leaves it public, with the problem shown to signed-in readers", async () => {
    const anon = await web.get("/typo");
    expect(anon.status).toBe(200);
    expect(anon.text).not.toContain("could not be used");
    const signedIn = await request(web.base, "/typo", { socketPath, headers: { "Remote-User": "alice" } });
    expect(signedIn.text).toContain("could not be used");
    expect(signedIn.text).toContain(":mirrors");
  });

  it("a :private that is not a boolean hides it", async () => {
    expect((await web.get("/unsure")).status).toBe(404);
    expect((await web.get("/")).text).not.toContain('href="/unsure"');
  });
});
