// Imports point one way: this finds files of the packages' sources that import
// each other in a circle (directly or through others), counting static
// imports and re-exports, `import type` included, and prints each circle.
// Usage: node scripts/import-cycles.mjs [DIR ...]   (default: packages/*/src)
// Exits 1 when there is a circle, 0 when there is none.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SOURCE = /\.(ts|tsx|mts)$/;
const IMPORT = /(?:^|[\s;}])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["'](\.{1,2}\/[^"']+)["']/g;

/** Every source file under `dir`, tests and declaration files left out. */
function sources(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") out.push(...sources(p));
    } else if (SOURCE.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

/** The file a relative specifier names: `./x.js` is x.ts or x.tsx, a folder its index. */
function resolve(from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  const stem = base.replace(/\.(js|jsx|mjs)$/, "");
  for (const candidate of [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, path.join(base, "index.ts"), path.join(base, "index.tsx")]) {
    if (SOURCE.test(candidate) && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Each file's relative imports, as resolved files. */
export function importGraph(dirs) {
  const graph = new Map();
  for (const dir of dirs) {
    for (const file of sources(dir)) {
      // Whole-line comments first (they may hold "/*", as in "runtime/*.ts"), then block comments that open a line.
      const text = fs.readFileSync(file, "utf8").replace(/^\s*\/\/.*$/gm, "").replace(/^\s*\/\*[\s\S]*?\*\//gm, "");
      const targets = new Set();
      for (const m of text.matchAll(IMPORT)) {
        const target = resolve(file, m[1]);
        if (target !== undefined) targets.add(target);
      }
      graph.set(file, targets);
    }
  }
  return graph;
}

/** Groups of files that reach each other (strongly connected, more than one file, or one importing itself). */
export function importCycles(graph) {
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const group = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || graph.get(v).has(v)) cycles.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.includes("-h") || args.includes("--help")) {
    console.log("usage: node scripts/import-cycles.mjs [DIR ...]\n\nPrints the files of DIR (default: every packages/*/src) that import each other in a circle; exits 1 when there is one.");
    process.exit(0);
  }
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const dirs = args.length > 0 ? args : fs.readdirSync(path.join(root, "packages")).map((p) => path.join(root, "packages", p, "src")).filter((d) => fs.existsSync(d));
  const cycles = importCycles(importGraph(dirs));
  for (const group of cycles) console.log(`import circle: ${group.map((f) => path.relative(process.cwd(), f)).join(" ↔ ")}`);
  if (cycles.length === 0) console.log(`no import circles in ${dirs.length} source folder(s)`);
  process.exit(cycles.length > 0 ? 1 : 0);
}
