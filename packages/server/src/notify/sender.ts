// Delivery of the notification outbox, off every run's path: one send at a
// time, each failure logged and retried after :retry-delays, then given up.
// Nothing here can fail a run or a push; rows survive a restart.
import type { NotificationRow } from "../db/schema.js";
import { redactorFor } from "../config/secrets.js";
import type { ServerConfig } from "../config/types.js";
import type { Db } from "../db/open.js";
import { sendMail, type MailConfig } from "./mail.js";
import { dueNotifications, nextNotificationDue, recordDelivery } from "./outbox.js";
import { deliverWebhook } from "./webhook.js";

export interface SenderOptions {
  db: Db;
  config: MailConfig & Pick<ServerConfig, "retryDelaysSeconds">;
  log: (line: string) => void;
}

export interface NotificationSender {
  /** Look for due notifications now. */
  kick(): void;
  /** Resolves when no delivery is running (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

function describe(n: NotificationRow): string {
  return `notify run ${n.runId} ${n.event} by ${n.channel} to ${n.target}`;
}

/** Deliver one row through its channel; rejects with what went wrong. */
async function deliver(n: NotificationRow, config: SenderOptions["config"]): Promise<void> {
  if (n.channel === "email") {
    await sendMail(config, {
      to: n.target.split(","),
      subject: n.subject,
      text: n.body,
      headers: { "X-Quire-Event": n.event, "X-Quire-Run": n.runId },
    });
  } else {
    await deliverWebhook({ url: n.target, body: n.body, event: n.event, secretName: n.secretName, secrets: config.secrets });
  }
}

export function startNotificationSender(options: SenderOptions): NotificationSender {
  const { db, log, config } = options;
  const delays = config.retryDelaysSeconds.map((s) => s * 1000);
  let running: Promise<void> | undefined;
  let again = false;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;

  async function drain(): Promise<void> {
    do {
      again = false;
      for (const n of dueNotifications(db, Date.now())) {
        if (stopping) return;
        try {
          await deliver(n, config);
          recordDelivery(db, n.id, { ok: true, nowMs: Date.now() });
          log(`${describe(n)}: sent`);
        } catch (e) {
          const redactor = await redactorFor(config.secrets);
          const error = redactor.redact(e instanceof Error ? e.message : String(e));
          const delay = delays[n.attempts];
          const retryAtMs = delay === undefined ? null : Date.now() + delay;
          if (!db.sqlite.open) return;
          recordDelivery(db, n.id, { ok: false, nowMs: Date.now(), error, retryAtMs });
          log(`${describe(n)}: failed (attempt ${n.attempts + 1}): ${error}; ${retryAtMs === null ? "given up" : `retry in ${Math.round(delay! / 100) / 10} s`}`);
        }
      }
    } while (again && !stopping);
  }

  function schedule(): void {
    clearTimeout(timer);
    if (stopping || !db.sqlite.open) return;
    const due = nextNotificationDue(db);
    if (due === null) return;
    timer = setTimeout(kick, Math.max(0, Math.min(due - Date.now(), 2 ** 31 - 1)));
    timer.unref();
  }

  function kick(): void {
    if (stopping) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = drain()
      .catch((e: unknown) => log(`notify: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`))
      .finally(() => {
        running = undefined;
        schedule();
      });
  }

  kick(); // rows left pending by an earlier server
  return {
    kick,
    idle: async () => {
      while (running !== undefined) await running;
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await running;
    },
  };
}
