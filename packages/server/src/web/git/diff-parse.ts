// Parser for `git diff-tree -r --raw -z --numstat -p` (diff.ts runs it): the
// raw entries give each file's exact path bytes, modes and status, numstat
// the counts (complete even when the patch is cut), and the patch follows in
// the same order, one `diff --git` block per file (two for a type change).

export interface Hunk {
  /** The `@@ -a,b +c,d @@ context` line. */
  header: string;
  oldStart: number;
  newStart: number;
  /** Patch lines with their prefix: ` `, `+`, `-` or `\`. */
  lines: string[];
}

export interface PatchBlock {
  /** Extended header lines (`new file mode`, `similarity index`…), without `diff --git`. */
  header: string[];
  binary: boolean;
  hunks: Hunk[];
}

export interface FileDiff {
  /** `A`, `M`, `D`, `R`, `C` or `T` (type change). */
  status: string;
  /** Similarity of a rename or copy, in percent. */
  score: number | null;
  oldPath: Buffer;
  newPath: Buffer;
  oldMode: string;
  newMode: string;
  oldOid: string;
  newOid: string;
  /** Line counts; null for binary files. */
  added: number | null;
  deleted: number | null;
  /** The patch, or null when the output was cut before it. */
  blocks: PatchBlock[] | null;
  /** The output was cut inside this file's patch. */
  cut: boolean;
}

import { NulFields } from "./nul-fields.js";

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

/** Parse the whole output; `truncated` says it was cut, so the end may be incomplete. */
export function parseDiffTree(out: Buffer, truncated: boolean): FileDiff[] {
  const files: FileDiff[] = [];
  const cursor = new NulFields(out);
  const field = () => cursor.next();
  // Raw entries: `:oldmode newmode oldoid newoid status` NUL path NUL [path NUL].
  while (cursor.peek() === 0x3a) {
    const meta = field();
    if (meta === null) return files;
    const [oldMode = "", newMode = "", oldOid = "", newOid = "", st = ""] = meta.toString("latin1").slice(1).split(" ");
    const a = field();
    const two = st.startsWith("R") || st.startsWith("C");
    const b = two ? field() : a;
    if (a === null || b === null) return files;
    files.push({
      status: st.charAt(0),
      score: two ? Number(st.slice(1)) : null,
      oldPath: Buffer.from(a),
      newPath: Buffer.from(b),
      oldMode,
      newMode,
      oldOid,
      newOid,
      added: null,
      deleted: null,
      blocks: null,
      cut: false,
    });
  }
  // Numstat, in the same order: `added TAB deleted TAB path NUL`, or `… TAB NUL old NUL new NUL` for a rename.
  for (const file of files) {
    const rec = field();
    if (rec === null) return files;
    const [added = "-", deleted = "-", rest = ""] = rec.toString("latin1").split("\t");
    if (rest === "" && (file.status === "R" || file.status === "C")) {
      if (field() === null || field() === null) return files;
    }
    file.added = added === "-" ? null : Number(added);
    file.deleted = deleted === "-" ? null : Number(deleted);
  }
  // One NUL separates the summaries from the patch.
  if (cursor.peek() === 0) cursor.pos++;
  const blocks = splitBlocks(out.subarray(cursor.pos).toString("utf8"));
  let b = 0;
  for (const file of files) {
    const want = file.status === "T" ? 2 : 1;
    if (b >= blocks.length) break;
    file.blocks = blocks.slice(b, b + want);
    b += want;
    if (b >= blocks.length && truncated) file.cut = true;
  }
  return files;
}

/** Split patch text into `diff --git` blocks. */
function splitBlocks(text: string): PatchBlock[] {
  const blocks: PatchBlock[] = [];
  let block: PatchBlock | null = null;
  let hunk: Hunk | null = null;
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  for (const line of lines) {
    if (line.startsWith("diff --git ")) {
      block = { header: [], binary: false, hunks: [] };
      hunk = null;
      blocks.push(block);
      continue;
    }
    if (block === null) continue;
    if (hunk !== null && (line === "" || " +-\\".includes(line.charAt(0)))) {
      hunk.lines.push(line === "" ? " " : line);
      continue;
    }
    const m = HUNK.exec(line);
    if (m !== null) {
      hunk = { header: line, oldStart: Number(m[1]), newStart: Number(m[2]), lines: [] };
      block.hunks.push(hunk);
      continue;
    }
    if (line.startsWith("Binary files ") || line === "GIT binary patch") block.binary = true;
    else if (!line.startsWith("--- ") && !line.startsWith("+++ ")) block.header.push(line);
  }
  return blocks;
}
