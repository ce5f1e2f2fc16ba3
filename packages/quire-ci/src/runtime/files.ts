// `(read-file path)`, `(read-json path)`, `(write-file path content)`: files of
// the workspace only, paths relative to it; symlinks leading out are refused.
import fs from "node:fs";
import path from "node:path";
import { fail, ok, type HostResult, type RuntimeContext } from "./context.js";
import { resolveInWorkspace } from "./workspace-path.js";

function problem(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "ENOENT") return "no such file";
  if (err.code === "EISDIR") return "is a directory";
  if (err.code === "EACCES") return "permission denied";
  return err.message ?? String(e);
}

export function readFilePrimitive(ctx: RuntimeContext, p: unknown): HostResult {
  try {
    const abs = resolveInWorkspace(ctx.workspace, p as string, "read-file: path");
    return ok(fs.readFileSync(abs, "utf8"));
  } catch (e) {
    if ((e as Error).name === "WorkspacePathError") return fail((e as Error).message);
    return fail(`read-file: cannot read ${JSON.stringify(p)}: ${problem(e)}`);
  }
}

/** JSON null cannot cross into Lua (it would be a hole anyway): drop it. */
function withoutNulls(value: unknown): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== null) out[k] = withoutNulls(v);
    }
    return out;
  }
  return value;
}

export function readJsonPrimitive(ctx: RuntimeContext, p: unknown): HostResult {
  const text = readFilePrimitive(ctx, p);
  if (!text.ok) return fail(text.error.replace(/^read-file/, "read-json"));
  try {
    return ok(withoutNulls(JSON.parse(text.value as string)));
  } catch (e) {
    return fail(`read-json: ${JSON.stringify(p)} is not valid JSON: ${(e as Error).message}`);
  }
}

export function writeFilePrimitive(ctx: RuntimeContext, p: unknown, content: unknown): HostResult {
  if (typeof content !== "string" && typeof content !== "number") {
    return fail(`write-file: content must be a string, got ${content === null ? "nil" : typeof content}`);
  }
  try {
    const abs = resolveInWorkspace(ctx.workspace, p as string, "write-file: path");
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, String(content));
    return ok(true);
  } catch (e) {
    if ((e as Error).name === "WorkspacePathError") return fail((e as Error).message);
    return fail(`write-file: cannot write ${JSON.stringify(p)}: ${problem(e)}`);
  }
}
