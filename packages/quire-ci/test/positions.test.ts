// Error positions as the reference Fennel gives them: every broken pipeline in
// positions/ is compiled by the reference compiler (built from the shared
// reference tree with lua5.4) and checked by the built quire-ci, and both
// must name the same `.quire/ci.fnl:LINE:COL`. Skips, saying why, when the
// reference tree or lua5.4 is not on this machine.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { BIN, PACKAGE_DIR, tempDir } from "./helpers.js";

const CASES = path.join(PACKAGE_DIR, "test", "positions");
const shared = process.env.QUIRE_SHARED_DIR ?? path.resolve(PACKAGE_DIR, "..", "..", "..", "shared");
const referenceTree = path.join(shared, "reference", "fennel");
const hasLua = spawnSync("sh", ["-c", "command -v lua5.4 && command -v make"]).status === 0;
const why = !fs.existsSync(referenceTree) ? `no reference Fennel at ${referenceTree}` : !hasLua ? "lua5.4 or make is not installed" : undefined;

// Compile one file with the reference, with Lua's globals plus the pipeline's; print the error's first line.
const DRIVER = `
local fennel = dofile(arg[1])
local src = assert(io.open(arg[2])):read("a")
local globals = {"runtime", "fennel"}
for k in pairs(_G) do table.insert(globals, k) end
local ok, err = pcall(fennel.compileString, src, {filename = ".quire/ci.fnl", allowedGlobals = globals})
print(ok and "ok" or (tostring(err):gsub("\\n.*", "")))
`;

let fennelLua: string;
let driver: string;
beforeAll(() => {
  if (why) return;
  const build = tempDir("quire-ci-ref-fennel-");
  fs.cpSync(referenceTree, build, { recursive: true });
  const made = spawnSync("make", ["fennel.lua", "LUA=lua5.4"], { cwd: build, encoding: "utf8" });
  if (made.status !== 0) throw new Error(`building the reference fennel.lua failed: ${made.stderr}`);
  fennelLua = path.join(build, "fennel.lua");
  driver = path.join(build, "positions-driver.lua");
  fs.writeFileSync(driver, DRIVER);
}, 120_000);

const position = (line: string): string => /^(\.quire\/ci\.fnl:\d+:\d+):/.exec(line)?.[1] ?? `(no position) ${line}`;

describe.skipIf(why !== undefined)(`positions match the reference Fennel${why ? ` (skipped: ${why})` : ""}`, () => {
  test.each(fs.readdirSync(CASES).filter((f) => f.endsWith(".fnl")))("%s", (file) => {
    const ref = spawnSync("lua5.4", [driver, fennelLua, path.join(CASES, file)], { encoding: "utf8" });
    expect(ref.status, ref.stderr).toBe(0);
    const ws = tempDir("quire-ci-pos-");
    fs.mkdirSync(path.join(ws, ".quire"));
    fs.copyFileSync(path.join(CASES, file), path.join(ws, ".quire", "ci.fnl"));
    const ours = spawnSync(process.execPath, [BIN, "check", ws], { encoding: "utf8" });
    expect(ours.status).toBe(1);
    expect(position(ours.stderr.split("\n")[0]!)).toBe(position(ref.stdout.trim()));
  });
});
