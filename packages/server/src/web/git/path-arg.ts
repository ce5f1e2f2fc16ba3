// A repository path as a git command argument. Node passes argv as UTF-8
// text, so a path whose bytes are not UTF-8 cannot reach git that way: pages
// that run git on a path answer such names with a 400 that says why.
import { HttpError } from "../../errors.js";
import { displayPath, segmentText } from "../url.js";

/** `a/b/c` for git's argv, or a 400 naming the file when a segment is not UTF-8. */
export function gitPathArg(path: readonly Buffer[], what: string): string {
  const texts = path.map(segmentText);
  if (texts.some((t) => t === undefined)) {
    throw new HttpError(400, "bad_request", `${what} needs git to be handed the file name, and ${JSON.stringify(displayPath(path))} is not UTF-8, which a command line cannot carry here; the file view and raw download still work`);
  }
  return texts.join("/");
}

/** Split a path git printed (bytes, `/`-separated) into segments. */
export function splitGitPath(path: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = path.indexOf(0x2f); i >= 0; i = path.indexOf(0x2f, start)) {
    out.push(path.subarray(start, i));
    start = i + 1;
  }
  out.push(path.subarray(start));
  return out.filter((s) => s.length > 0);
}
