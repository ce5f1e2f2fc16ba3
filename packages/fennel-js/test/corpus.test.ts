// The corpus runner: every test/corpus/<feature>/<case>.fnl runs through the
// real `fennel-js` binary. `<case>.out` is the exact expected stdout (exit 0);
// `<case>.err` lists lines that must each appear in stderr (exit non-zero).
// Optional `<case>.args` holds extra command-line arguments, one per line, and
// `<case>.stdin` what the program reads on standard input (otherwise none).
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { BUILD_WAIT_MS, buildOnce, CLI_PATH, PACKAGE_DIR } from "./support/build.js";

const CASE_TIMEOUT_MS = 120_000;
const CORPUS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "corpus");

interface CorpusCase {
  feature: string;
  name: string;
  file: string;
  out?: Buffer;
  errLines?: string[];
  args: string[];
  stdin?: Buffer;
}

function collectCases(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  if (!existsSync(CORPUS_DIR)) return cases;
  for (const feature of readdirSync(CORPUS_DIR).sort()) {
    const dir = path.join(CORPUS_DIR, feature);
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (!entry.endsWith(".fnl")) continue;
      const base = entry.slice(0, -4);
      // Helper modules required by cases live beside them with a leading underscore.
      if (base.startsWith("_")) continue;
      const stem = path.join(dir, base);
      const c: CorpusCase = { feature, name: base, file: path.join(dir, entry), args: [] };
      if (existsSync(`${stem}.out`)) c.out = readFileSync(`${stem}.out`);
      if (existsSync(`${stem}.err`)) {
        c.errLines = readFileSync(`${stem}.err`, "utf8")
          .split("\n")
          .filter((l) => l.trim() !== "");
      }
      if (existsSync(`${stem}.args`)) {
        c.args = readFileSync(`${stem}.args`, "utf8").split("\n").filter((l) => l !== "");
      }
      if (existsSync(`${stem}.stdin`)) c.stdin = readFileSync(`${stem}.stdin`);
      cases.push(c);
    }
  }
  return cases;
}

interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function runCli(file: string, args: string[], cwd: string, stdin?: Buffer): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI_PATH, file, ...args],
      // Generous: on a loaded machine many cases start a Lua VM at once.
      { cwd, encoding: "buffer", timeout: CASE_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
        resolve({ code, stdout, stderr: stderr.toString("utf8") });
      },
    );
    child.stdin?.end(stdin ?? "");
  });
}

const cases = collectCases();

// Room for waiting on another process's build, then making our own.
beforeAll(() => buildOnce(), 2 * BUILD_WAIT_MS);

describe("fennel-js corpus", () => {
  const byFeature = new Map<string, CorpusCase[]>();
  for (const c of cases) {
    const list = byFeature.get(c.feature) ?? [];
    list.push(c);
    byFeature.set(c.feature, list);
  }
  for (const [feature, list] of byFeature) {
    describe.concurrent(feature, () => {
      for (const c of list) {
        it(c.name, async () => {
          if (c.out === undefined && c.errLines === undefined) {
            throw new Error(`${c.file}: add ${c.name}.out (expected stdout) or ${c.name}.err (expected stderr lines)`);
          }
          // Cases run from their own folder so `(require :_helper)` finds neighbours.
          const r = await runCli(path.basename(c.file), c.args, path.dirname(c.file), c.stdin);
          if (c.out !== undefined) {
            if (r.code !== 0 || !r.stdout.equals(c.out)) {
              expect({ exit: r.code, stdout: r.stdout.toString("latin1"), stderr: r.stderr }).toEqual({
                exit: 0,
                stdout: c.out.toString("latin1"),
                stderr: r.stderr,
              });
            }
          } else {
            expect(r.code, `exit code; stderr:\n${r.stderr}`).not.toBe(0);
            for (const line of c.errLines ?? []) {
              expect(r.stderr, `stderr should contain ${JSON.stringify(line)}`).toContain(line);
            }
          }
        }, CASE_TIMEOUT_MS + 30_000);
      }
    });
  }
  if (cases.length === 0) {
    it("has cases", () => {
      throw new Error(`no corpus cases found under ${path.relative(PACKAGE_DIR, CORPUS_DIR)}`);
    });
  }
});
