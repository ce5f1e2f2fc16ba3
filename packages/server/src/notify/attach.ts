// Plugs notifications into a running quire (serve/start.ts): every run that
// becomes terminal is looked at (runs/terminal-hooks.ts), and so are those
// that ended since `sinceMs` (orphans found at start); the outbox sender runs
// beside. Stopped with the server.
import type { QuireHandle } from "../serve/start.js";
import { publicBaseUrl, runUrl } from "../push/run-url.js";
import { onRunTerminal } from "../runs/terminal-hooks.js";
import { notifyRun, runsFinishedSince, type NotifierOptions } from "./notifier.js";
import { startNotificationSender, type NotificationSender } from "./sender.js";

/** Start notifications for `quire`; `sinceMs` is when this server began starting. */
export function attachNotifications(quire: QuireHandle, options: { sinceMs: number }): NotificationSender {
  const sender = startNotificationSender({ db: quire.db, config: quire.config, log: quire.log });
  const base = publicBaseUrl(quire.config.host, quire.url);
  const notifier: NotifierOptions = {
    db: quire.db,
    config: quire.config,
    reposDir: quire.paths.repos,
    runsDir: quire.paths.runs,
    runUrl: (run) => runUrl(base, run),
    log: quire.log,
    queued: () => sender.kick(),
  };
  const pending = new Set<Promise<unknown>>();
  const look = (runId: string) => {
    const p = notifyRun(notifier, runId).catch((e: unknown) => quire.log(`notify run ${runId}: ${e instanceof Error ? e.message : String(e)}`));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  const off = onRunTerminal(quire.db, (run) => look(run.id), quire.log);
  for (const id of runsFinishedSince(quire.db, options.sinceMs)) look(id);
  quire.addCloser(async () => {
    off();
    await Promise.all(pending);
    await sender.stop();
  });
  return sender;
}
