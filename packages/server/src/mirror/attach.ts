// Plugs mirroring into a running quire (serve/start.ts): starts the scheduler
// on the server's database and config, hands it every push from the push bus
// (push/bus.ts), and stops it with the server.
import type { QuireHandle } from "../serve/start.js";
import { startMirrorScheduler, type MirrorScheduler } from "./scheduler.js";

/** Start mirroring for `quire`. */
export function attachMirrors(quire: QuireHandle, options: { pushTimeoutMs?: number } = {}): MirrorScheduler {
  const scheduler = startMirrorScheduler({
    db: quire.db,
    reposDir: quire.paths.repos,
    knownHostsFile: quire.paths.knownHosts,
    config: quire.config,
    log: quire.log,
    pushTimeoutMs: options.pushTimeoutMs,
  });
  // Mirroring is independent of CI: handed each push at once, it never delays or fails it.
  const off = quire.pushes.subscribe((repo, event) => scheduler.onPush(repo, event.refs));
  quire.addCloser(async () => {
    off();
    await scheduler.stop();
  });
  return scheduler;
}
