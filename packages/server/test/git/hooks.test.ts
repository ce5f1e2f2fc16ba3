// The post-receive hook file survives awkward data-directory paths: it is
// real shell, run by real git, and must still find the data directory.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { postReceiveScript, shellQuote } from "../../src/git/hooks.js";
import { spoolDir } from "../../src/push/spool.js";
import { commitFiles, gitAsync, quire, tempDir, workTree } from "./git-helpers.js";

let parent: string;
beforeAll(async () => {
  parent = await tempDir("quire-hooks-");
});
afterAll(async () => {
  await rm(parent, { recursive: true, force: true });
});

describe("post-receive hook", () => {
  it("quotes a data directory with spaces, quotes and $ so the hook still reaches it", async () => {
    const data = path.join(parent, `it's a "data" $dir`);
    await mkdir(data);
    expect(quire(data, ["repo", "new", "odd"]).status).toBe(0);
    const work = await workTree(path.join(data, "repos", "odd.git"));
    await commitFiles(work, { a: "a" }, "a");
    const push = await gitAsync(work, ["push", "origin", "main"]);
    expect(push.status).toBe(0);
    // The server is down, so the hook spooled the event in the right data directory.
    expect(push.stderr).toContain(`no socket at ${path.join(data, "server.sock")}`);
    const spooled = await readdir(spoolDir(data));
    expect(spooled).toHaveLength(1);
    expect(JSON.parse(await readFile(path.join(spoolDir(data), spooled[0]!), "utf8"))).toMatchObject({ repo: "odd.git" });
    await rm(work, { recursive: true, force: true });
  });

  it("writes a plain sh script that execs quire with the data directory exported", () => {
    const text = postReceiveScript({ dataDir: "/srv/quire data", quireCommand: ["/usr/bin/node", "/opt/quire/quire.js"] });
    expect(text).toBe(
      [
        "#!/bin/sh",
        "# Installed by quire: hands the pushed refs to the running `quire serve`.",
        "# Rewrite it with `quire repo hooks NAME` after moving quire or the data directory.",
        "QUIRE_DATA_DIR='/srv/quire data'",
        "export QUIRE_DATA_DIR",
        "exec /usr/bin/node /opt/quire/quire.js hook post-receive",
        "",
      ].join("\n"),
    );
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
