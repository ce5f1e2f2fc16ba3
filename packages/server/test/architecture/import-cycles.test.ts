// Imports point one way: no file of any package's sources reaches itself
// through its imports. scripts/import-cycles.mjs finds the circles; this runs
// it over the workspace, and over a small tree with circles to show it sees them.
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const script = path.join(root, "scripts/import-cycles.mjs");
const scratch = mkdtempSync(path.join(os.tmpdir(), "quire-import-cycles-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function check(...dirs: string[]) {
  const r = spawnSync(process.execPath, [script, ...dirs], { encoding: "utf8", cwd: root });
  return { status: r.status, out: r.stdout + r.stderr };
}

function tree(name: string, files: Record<string, string>): string {
  const dir = path.join(scratch, name);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe("import circles", () => {
  it("none in the packages' sources", () => {
    const r = check();
    expect(r.out).toMatch(/no import circles in \d+ source folder/);
    expect(r.status).toBe(0);
  });

  it("are found through type imports, re-exports, folders' index files and longer rings, past comments naming globs", () => {
    const dir = tree("ring", {
      "a.ts": '// reads runtime/*.ts\nimport type { B } from "./b.js";\nexport type A = B;\n',
      "b.ts": 'export { c } from "./lib/index.js";\nexport type B = number;\n',
      "lib/index.ts": 'import { a } from "../a.js";\nexport const c = a;\n',
      "free.ts": 'import { c } from "./lib/index.js";\nexport const d = c;\n',
    });
    const r = check(dir);
    expect(r.status).toBe(1);
    const circles = r.out.split("\n").filter((l) => l.startsWith("import circle:"));
    expect(circles).toHaveLength(1);
    expect(circles[0]).toContain("a.ts");
    expect(circles[0]).toContain("b.ts");
    expect(circles[0]).toContain("index.ts");
    expect(circles[0]).not.toContain("free.ts");
  });

  it("a one-way tree, and a test file importing back, are not circles", () => {
    const dir = tree("oneway", {
      "a.ts": 'import { b } from "./b.js";\nexport const a = b;\n',
      "b.ts": "export const b = 1;\n",
      "b.test.ts": 'import { a } from "./a.js";\nimport { b } from "./b.js";\nexport const t = a + b;\n',
    });
    const r = check(dir);
    expect(r.out).toContain("no import circles in 1 source folder");
    expect(r.status).toBe(0);
  });
});
