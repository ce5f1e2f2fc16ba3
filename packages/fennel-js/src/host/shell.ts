// Shell commands for the cli profile's os.execute and io.popen, run by
// /bin/sh as the reference's C library runs them. node:child_process is
// loaded on the first command: loading it costs every process ~15 ms.
import type { SpawnSyncOptions, SpawnSyncReturns } from "node:child_process";

/** Run `command` with `/bin/sh -c` and wait for it. */
export function runShell(command: string, options: SpawnSyncOptions): SpawnSyncReturns<Buffer> {
  const { spawnSync } = process.getBuiltinModule("node:child_process");
  return spawnSync("/bin/sh", ["-c", command], options) as SpawnSyncReturns<Buffer>;
}
