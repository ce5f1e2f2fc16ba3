// From a terminal run to outbox rows (SPEC §10): which event it raises, the
// settings in force (global, then the repo's .quire/config.fnl at the run's
// sha), the content, one row per channel. Sending is sender.ts.
import { stmt } from "../db/statements.js";
import { isTerminalRunState } from "@quire/shared";
import { loadRepoConfig } from "../config/repo-config.js";
import { redactorFor } from "../config/secrets.js";
import type { ServerConfig } from "../config/types.js";
import type { Db } from "../db/open.js";
import { getRun, listJobs, listShEvents } from "../db/queries.js";
import type { RunRow } from "../db/schema.js";
import { openRepo } from "../git/repos.js";
import { runDirs } from "../runs/spawn.js";
import { notificationContent } from "./content.js";
import { noticeFor } from "./events.js";
import { canSendMail } from "./mail.js";
import { queueNotification } from "./outbox.js";
import { effectiveNotifications } from "./settings.js";

export interface NotifierOptions {
  db: Db;
  config: ServerConfig;
  reposDir: string;
  runsDir: string;
  /** The web URL of a run. */
  runUrl: (run: RunRow) => string;
  log: (line: string) => void;
  /** Called after rows were queued. */
  queued: () => void;
}

/** The global settings, with the repo's own laid over them when its config can be read. */
async function settingsFor(options: NotifierOptions, run: RunRow) {
  let repoSettings;
  try {
    const repo = await openRepo(options.reposDir, run.repo);
    const loaded = await loadRepoConfig(repo.dir, repo.name, run.sha);
    repoSettings = loaded.config.notifications;
  } catch (e) {
    // A broken repo config must not silence the global notifications.
    options.log(`notify run ${run.id}: using the global settings only: ${e instanceof Error ? e.message : String(e)}`);
  }
  return effectiveNotifications(options.config.notifications, repoSettings);
}

/** Queue what terminal run `runId` must announce; returns how many rows were added. */
export async function notifyRun(options: NotifierOptions, runId: string): Promise<number> {
  const { db, log } = options;
  const run = getRun(db, runId);
  if (run === undefined || !isTerminalRunState(run.state)) return 0;
  const notice = noticeFor(db, run);
  if (notice === null) return 0;
  const settings = await settingsFor(options, run);
  if (!settings.on.includes(notice.event)) return 0;
  const content = await notificationContent({
    run,
    notice,
    jobs: listJobs(db, run.id),
    sh: listShEvents(db, run.id),
    runDir: runDirs(options.runsDir, run.repo, run.id).runDir,
    runUrl: options.runUrl(run),
    redactor: await redactorFor(options.config.secrets),
  });
  let added = 0;
  const base = { runId: run.id, event: notice.event, subject: content.subject };
  if (settings.to.length > 0) {
    if (canSendMail(options.config)) {
      if (queueNotification(db, { ...base, channel: "email", target: settings.to.join(","), body: content.text, secretName: null })) added++;
    } else log(`notify run ${run.id} ${notice.event}: no mail sent to ${settings.to.join(", ")}: set :smtp or :sendmail in config.fnl`);
  }
  if (settings.webhook !== null) {
    const body = JSON.stringify(content.payload);
    if (queueNotification(db, { ...base, channel: "webhook", target: settings.webhook.url, body, secretName: settings.webhook.secret })) added++;
  }
  if (added > 0) options.queued();
  return added;
}

/** Terminal runs finished at or after `sinceMs` (what a starting server catches up on). */
export function runsFinishedSince(db: Db, sinceMs: number): string[] {
  return (stmt(db.sqlite, "SELECT id FROM runs WHERE finished_at_ms >= ? AND state IN ('complete', 'failed') ORDER BY finished_at_ms, rowid").all(sinceMs) as { id: string }[]).map((r) => r.id);
}
