// The sandbox reaches quire-ci wherever the checkout lives: under /tmp or
// /home, which the sandbox replaces with empty tmpfs mounts, the parents of
// the bound packages are made open (0755), so an unprivileged sandbox user
// (what a root server drops to) can walk down to them. Real bwrap.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bwrapArgs, parentDirs } from "../src/runs/launchers/bwrap-args.js";
import { resolveSandboxUser } from "../src/runs/launchers/choose.js";
import { bwrapProblem } from "../src/runs/launchers/start.js";

const problem = bwrapProblem();
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A package dir with one readable file, under `parent`, as a checkout would have it. */
function packageUnder(parent: string): { pkg: string; file: string } {
  const root = mkdtempSync(path.join(parent, "quire-checkout-"));
  made.push(root);
  const pkg = path.join(root, "packages", "quire-ci");
  mkdirSync(path.join(pkg, "dist"), { recursive: true });
  const file = path.join(pkg, "dist", "quire-ci.js");
  writeFileSync(file, "reached\n", { mode: 0o644 });
  return { pkg, file };
}

describe("parentDirs", () => {
  it("makes the parents under a tmpfs mount, none inside a host tree", () => {
    const dirs = (args: string[]) => args.filter((_, i) => args[i - 1] === "--dir");
    expect(dirs(parentDirs(["/scratch/a/b/pkg", "/usr/lib/x/pkg", "/quire/run"], ["/usr", "/etc"], ["/scratch", "/home"]))).toEqual(["/quire", "/scratch/a", "/scratch/a/b"]);
    expect(dirs(parentDirs(["/home/me/src/quire/packages/shared"], ["/usr"], ["/home"]))).toEqual(["/home/me", "/home/me/src", "/home/me/src/quire", "/home/me/src/quire/packages"]);
  });
});

describe.skipIf(problem !== undefined)(`bwrap sandbox paths${problem ? ` (skipped: ${problem})` : ""}`, () => {
  for (const parent of [tmpdir(), "/var/tmp"]) {
    it(`reads a package bound from under ${parent} as the sandbox user`, () => {
      const { pkg, file } = packageUnder(parent);
      const work = mkdtempSync(path.join(tmpdir(), "quire-ws-"));
      const run = mkdtempSync(path.join(tmpdir(), "quire-rd-"));
      made.push(work, run);
      const user = process.getuid?.() === 0 ? resolveSandboxUser("nobody") : undefined;
      const args = bwrapArgs({ workspace: work, runDir: run, readOnly: [pkg], user, command: ["sh", "-c", `id -u; cat '${file}'`] });
      const r = spawnSync("bwrap", args, { encoding: "utf8", timeout: 20_000 });
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(`${user?.uid ?? process.getuid?.()}\nreached\n`);
    });
  }
});
