// fennel-js's own Lua loaded as bytecode: a VM made from a file the build
// would write loads its start-up chunks from it and behaves the same, and a
// damaged file or another build's chunk falls back to the text.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dumpRecorded, loadCounts, recordChunks, useBytecodeFile } from "./lua-bytecode.js";
import { newEngine } from "./engine.js";
import { createVM } from "./vm/vm.js";

const quiet = { write() {}, flush() {} };
const PROGRAM = "(macro twice [x] `(+ ,x ,x)) (.. (twice 21) ((. (require :fennel) :view) [1 {:a 2}]))";

/** Make a VM, run PROGRAM; its result and how many chunks came from bytecode and from text meanwhile. */
async function run(): Promise<{ result: unknown[]; bytecode: number; text: number }> {
  const before = { ...loadCounts };
  const vm = await createVM({ profile: "cli", stdout: quiet });
  try {
    const result = await vm.evalString(PROGRAM);
    return { result, bytecode: loadCounts.bytecode - before.bytecode, text: loadCounts.text - before.text };
  } finally {
    vm.close();
  }
}

describe("Lua bytecode of fennel-js's own chunks", () => {
  it("loads the chunks the file holds from it, falls back to text for a damaged one or a changed source", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "fennel-js-bytecode-"));
    const file = path.join(dir, "lua-bytecode.bin");
    useBytecodeFile(file); // missing: everything from text
    recordChunks();
    const plain = await run();
    expect(plain.bytecode).toBe(0);
    expect(plain.text).toBeGreaterThan(5);

    const engine = await newEngine();
    const good = dumpRecorded(engine.global);
    engine.global.close();
    writeFileSync(file, good);
    useBytecodeFile(file);
    const fast = await run();
    expect(fast.result).toEqual(plain.result);
    expect(fast.result).toEqual(['42[1 {:a 2}]']);
    expect(fast.bytecode).toBe(plain.text);
    expect(fast.text).toBe(0);

    // One flipped byte in the last chunk's bytecode: that chunk loads from text.
    const damaged = Buffer.from(good);
    damaged[damaged.length - 20]! ^= 0xff;
    writeFileSync(file, damaged);
    useBytecodeFile(file);
    const some = await run();
    expect(some.result).toEqual(plain.result);
    expect(some.text).toBeGreaterThan(0);
    expect(some.bytecode).toBeGreaterThan(0);

    // A chunk of another build (same name, other source) is never used.
    const index = readFileSync(file).toString("latin1").replace(/"sourceCrc":(\d+)/g, (_, n: string) => `"sourceCrc":${"1".repeat(n.length)}`);
    writeFileSync(file, Buffer.from(index, "latin1"));
    useBytecodeFile(file);
    const stale = await run();
    expect(stale.result).toEqual(plain.result);
    expect(stale.bytecode).toBe(0);
  });
});
