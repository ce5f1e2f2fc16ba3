// Finding modules for `require` along a `?`-template path, relative to the
// VM's root directory. Lua's own searchers only see wasmoon's in-memory
// filesystem, so both .fnl and .lua lookups go through here.
import { statSync } from "node:fs";
import path from "node:path";

export interface ModuleHit {
  /** The path as the template produced it, used as the chunk's file name. */
  shown: string;
  /** Where it is on disk. */
  absolute: string;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Search `templates` (`./?.fnl;./?/init.fnl`) for module `name` (on disk, or through `read`). */
export function searchPath(
  name: string,
  templates: string,
  root: string,
  read?: (path: string) => string | undefined,
): { hit: ModuleHit } | { tried: string } {
  const slashed = name.replaceAll(".", "/");
  const tried: string[] = [];
  for (const template of templates.split(";")) {
    if (template === "") continue;
    const shown = template.replaceAll("?", slashed);
    const absolute = path.resolve(root, shown);
    if (read !== undefined ? read(shown) !== undefined : isFile(absolute)) return { hit: { shown, absolute } };
    tried.push(`no file '${shown}'`);
  }
  return { tried: tried.join("\n\t") };
}
