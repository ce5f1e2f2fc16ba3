// The notification keys (SPEC §8, §10): `:notifications` (global defaults and
// per repo), and the global mail transports `:smtp` and `:sendmail`. Sending
// lives in notify/; this file only reads and checks the values.
import { parseShellWords, ShellWordsError } from "../git/shell-words.js";
import { isTable, stringList, typeName, type ConfigReport } from "./fennel-table.js";

export const NOTIFY_EVENTS = ["ci-failed", "ci-fixed"] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export interface WebhookSettings {
  url: string;
  /** Secret (in :secrets) whose value signs the body (X-Quire-Signature); null: unsigned. */
  secret: string | null;
}

/** `:notifications` as written; a repo's keys override the global ones key by key. */
export interface NotificationSettings {
  to?: string[];
  on?: NotifyEvent[];
  /** false turns off a webhook the global settings declare. */
  webhook?: WebhookSettings | false;
  /** From address for mail (global only). */
  from?: string;
}

export interface SmtpSettings {
  host: string;
  port: number;
  user: string | null;
  /** Secret (in :secrets) holding the password. */
  password: string | null;
  from: string | null;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
}

// No spaces, commas, angle brackets or line breaks: an address can never add a header or a recipient.
const ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

export function isMailAddress(s: string): boolean {
  return ADDRESS.test(s);
}

function readWebhook(v: unknown, report: ConfigReport): WebhookSettings | false | undefined {
  if (v === false) return false;
  if (!isTable(v) || typeof v.url !== "string") {
    report.problem("webhook", `:webhook must be {:url "https://…" :secret :name} (or false), got ${typeName(v)}`);
    return undefined;
  }
  let ok = true;
  for (const key of Object.keys(v)) {
    if (key !== "url" && key !== "secret") {
      report.problem("webhook", `:webhook: unknown key :${key} (known: :url :secret)`);
      ok = false;
    }
  }
  let url: URL | undefined;
  try {
    url = new URL(v.url);
  } catch {
    // reported below
  }
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
    report.problem("webhook", `:webhook :url must be an http(s) URL, got ${JSON.stringify(v.url)}`);
    ok = false;
  }
  if (v.secret !== undefined && (typeof v.secret !== "string" || v.secret === "")) {
    report.problem("webhook", `:webhook :secret must name a secret of :secrets, got ${typeName(v.secret)}`);
    ok = false;
  }
  return ok ? { url: v.url, secret: (v.secret as string | undefined) ?? null } : undefined;
}

/** Read a `:notifications` table; `global` allows `:from`. Undefined after a problem. */
export function readNotifications(v: unknown, report: ConfigReport, options: { global: boolean }): NotificationSettings | undefined {
  if (Array.isArray(v) && v.length === 0) return {};
  if (!isTable(v)) {
    report.problem("notifications", `:notifications must be a table such as {:to ["me@example.org"] :on [:ci-failed :ci-fixed]}, got ${typeName(v)}`);
    return undefined;
  }
  const out: NotificationSettings = {};
  let ok = true;
  const known = options.global ? ["to", "on", "webhook", "from"] : ["to", "on", "webhook"];
  for (const [key, value] of report.entries(v)) {
    if (!known.includes(key)) {
      report.problem(key, `:notifications: unknown key :${key} (known: ${known.map((k) => `:${k}`).join(" ")})`);
      ok = false;
      continue;
    }
    if (key === "to") {
      const to = typeof value === "string" ? [value] : stringList(value);
      const bad = to?.find((a) => !isMailAddress(a));
      if (to === undefined || bad !== undefined) {
        report.problem("to", `:notifications :to must be mail addresses such as ["me@example.org"], got ${bad !== undefined ? JSON.stringify(bad) : typeName(value)}`);
        ok = false;
      } else out.to = to;
    } else if (key === "on") {
      const on = stringList(value);
      const bad = on?.find((e) => !(NOTIFY_EVENTS as readonly string[]).includes(e));
      if (on === undefined || bad !== undefined) {
        report.problem("on", `:notifications :on must list events of ${NOTIFY_EVENTS.map((e) => `:${e}`).join(" ")}, got ${bad !== undefined ? JSON.stringify(bad) : typeName(value)}`);
        ok = false;
      } else out.on = on as NotifyEvent[];
    } else if (key === "webhook") {
      const webhook = readWebhook(value, report);
      if (webhook === undefined) ok = false;
      else out.webhook = webhook;
    } else if (key === "from") {
      if (typeof value === "string" && isMailAddress(value)) out.from = value;
      else {
        report.problem("from", `:notifications :from must be a mail address such as "quire@example.org", got ${typeName(value)}`);
        ok = false;
      }
    }
  }
  return ok ? out : undefined;
}

const SMTP_KEYS = ["host", "port", "user", "password", "from", "secure"];

/** Read `:smtp {:host … :port … :user … :password :secret-name :from … :secure bool}`. */
export function readSmtp(v: unknown, report: ConfigReport): SmtpSettings | undefined {
  if (!isTable(v)) {
    report.problem("smtp", `:smtp must be a table such as {:host "smtp.example.org" :port 587 :user "me" :password :smtp-password :from "quire@example.org"}, got ${typeName(v)}`);
    return undefined;
  }
  const problems: string[] = [];
  for (const key of Object.keys(v)) if (!SMTP_KEYS.includes(key)) problems.push(`unknown key :${key} (known: ${SMTP_KEYS.map((k) => `:${k}`).join(" ")})`);
  const { host, port, user, password, from, secure } = v;
  if (typeof host !== "string" || host === "") problems.push(`:host must be the server's name, got ${typeName(host)}`);
  if (port !== undefined && !(Number.isInteger(port) && (port as number) > 0 && (port as number) <= 65535)) problems.push(`:port must be a whole number 1–65535, got ${typeName(port)}`);
  if (user !== undefined && (typeof user !== "string" || user === "")) problems.push(`:user must be a string, got ${typeName(user)}`);
  if (password !== undefined && (typeof password !== "string" || password === "")) problems.push(`:password must name a secret of :secrets (not the password itself), got ${typeName(password)}`);
  if (password !== undefined && user === undefined) problems.push(":password needs :user");
  if (from !== undefined && !(typeof from === "string" && isMailAddress(from))) problems.push(`:from must be a mail address, got ${typeName(from)}`);
  if (secure !== undefined && typeof secure !== "boolean") problems.push(`:secure must be true or false, got ${typeName(secure)}`);
  for (const p of problems) report.problem("smtp", `:smtp ${p}`);
  if (problems.length > 0) return undefined;
  const portNumber = (port as number | undefined) ?? 587;
  return {
    host: host as string,
    port: portNumber,
    user: (user as string | undefined) ?? null,
    password: (password as string | undefined) ?? null,
    from: (from as string | undefined) ?? null,
    secure: (secure as boolean | undefined) ?? portNumber === 465,
  };
}

/** Read `:sendmail "/usr/sbin/sendmail -t"` into an argv (parsed strictly, never given to a shell). */
export function readSendmail(v: unknown, report: ConfigReport): string[] | undefined {
  if (typeof v !== "string" || v.trim() === "") {
    report.problem("sendmail", `:sendmail must be a command such as "/usr/sbin/sendmail -t", got ${typeName(v)}`);
    return undefined;
  }
  try {
    return parseShellWords(v);
  } catch (e) {
    if (!(e instanceof ShellWordsError)) throw e;
    report.problem("sendmail", `:sendmail ${JSON.stringify(v)} cannot be read at character ${e.index + 1}: ${e.message}; it is run directly, without a shell`);
    return undefined;
  }
}
