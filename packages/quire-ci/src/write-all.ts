// Writing a whole string to a file descriptor. write(2) may take only part of
// it (a file system with a few bytes left does that rather than fail), and
// fs.writeSync does not go on with the rest: the tail would be lost without a
// word and the next write would land after a torn line. Here the rest is
// written until all of it is in; a file system with no room left then fails
// with ENOSPC, which the caller reports.
import fs from "node:fs";

/** Write all of `text` to `fd`; throws the write's error (ENOSPC, EIO, …) when the rest cannot go in. */
export function writeAllSync(fd: number, text: string): void {
  const bytes = Buffer.from(text, "utf8");
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}
