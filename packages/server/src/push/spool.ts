// Pushes that arrived while `quire serve` was down: the hook writes each push
// event to <data>/push-spool/ and the server queues them at its next start,
// oldest first, so a push never silently misses its run.
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { PushEvent } from "@quire/shared";

/** The spool directory of a data directory. */
export function spoolDir(dataDir: string): string {
  return path.join(dataDir, "push-spool");
}

/** Keep `event` for the next server start. Resolves to the file written. */
export async function spoolPush(dataDir: string, event: PushEvent): Promise<string> {
  const dir = spoolDir(dataDir);
  await mkdir(dir, { recursive: true });
  const base = `${String(event.pushed_at_ms).padStart(15, "0")}-${process.pid}-${randomBytes(4).toString("hex")}`;
  const file = path.join(dir, `${base}.json`);
  // Write then rename, so the server never reads half a file.
  await writeFile(path.join(dir, `.${base}.tmp`), JSON.stringify(event) + "\n");
  await rename(path.join(dir, `.${base}.tmp`), file);
  return file;
}

/** How a spooled push that could not be queued is treated. */
export interface DrainOptions {
  /**
   * True for an error that no later try can fix (the repository was deleted):
   * the push is dropped, saying so. Any other error keeps the file, and the
   * drain stops there so later pushes of a ref never overtake it.
   */
  permanent?: (e: unknown) => boolean;
}

/**
 * Hand every spooled push to `handle`, oldest first, removing each file once
 * handled. A file that does not hold a push event is reported and moved aside
 * to `<name>.bad` so it is neither retried nor lost. A push that could not be
 * queued stays in the spool for the next drain, unless `permanent` says it
 * never can be. Resolves to the number of pushes handled (queued or dropped).
 */
export async function drainSpool(
  dataDir: string,
  handle: (event: PushEvent) => Promise<void>,
  log: (line: string) => void,
  options: DrainOptions = {},
): Promise<number> {
  const dir = spoolDir(dataDir);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".json")).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw e;
  }
  // Loaded here, not at the top: the hook imports this file to spool and must start fast.
  const { parsePushEvent } = await import("@quire/shared");
  let handled = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    let event: PushEvent;
    try {
      event = parsePushEvent(JSON.parse(await readFile(file, "utf8")));
    } catch (e) {
      // Another drain (or a person) took the file since the listing: nothing to do.
      if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
      log(`push spool: ${name} is not a push event (${e instanceof Error ? e.message : String(e)}); moved to ${name}.bad`);
      await rename(file, `${file}.bad`);
      continue;
    }
    try {
      await handle(event);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      if (options.permanent?.(e) !== true) {
        log(`push spool: ${name} (${event.repo}) could not be queued: ${why}; kept for the next try`);
        return handled;
      }
      log(`push spool: ${name} (${event.repo}) dropped, it can never be queued: ${why}`);
    }
    await rm(file, { force: true });
    handled++;
  }
  return handled;
}
