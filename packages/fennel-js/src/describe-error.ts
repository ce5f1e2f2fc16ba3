// The text a command-line user sees for a failure: friendly compile errors,
// runtime errors mapped to .fnl lines with their traceback, file-system
// errors as the reference's messages name them.
import { FennelError } from "./errors.js";
import { LuaRuntimeError } from "./host/chunks.js";

const FS_ERRORS: Record<string, string> = {
  ENOENT: "No such file or directory",
  EISDIR: "Is a directory",
  EACCES: "Permission denied",
  ENOTDIR: "Not a directory",
};

/** The text printed for a failure: friendly compile errors, mapped runtime errors. */
export function describeError(e: unknown): string {
  if (e instanceof FennelError) return e.message;
  if (e instanceof LuaRuntimeError) return e.traceback ? `${e.message}\n${e.traceback}` : e.message;
  const fsText = FS_ERRORS[(e as { code?: string }).code ?? ""];
  if (fsText !== undefined) return `${(e as { path?: string }).path ?? "file"}: ${fsText}`;
  if (e instanceof Error) return e.message;
  return String(e);
}
