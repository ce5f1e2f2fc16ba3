// Sending one plain-text mail (SPEC §10): through an SMTP server with
// nodemailer (:smtp), or by piping the message to a sendmail-compatible
// command (:sendmail), run with an argv and never through a shell.
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import nodemailer from "nodemailer";
import { revealSecret } from "../config/secrets.js";
import type { ServerConfig } from "../config/types.js";

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  headers?: Record<string, string>;
}

export type MailConfig = Pick<ServerConfig, "smtp" | "sendmail" | "secrets" | "notifications">;

/** How long one send may take before it counts as failed. */
export const MAIL_TIMEOUT_MS = 60_000;

/** The sender: :smtp :from, else :notifications :from, else quire@<host name>. */
export function fromAddress(config: MailConfig): string {
  return config.smtp?.from ?? config.notifications.from ?? `quire@${hostname()}`;
}

/** Is any mail transport configured? */
export function canSendMail(config: MailConfig): boolean {
  return config.smtp !== null || config.sendmail !== null;
}

async function viaSmtp(config: MailConfig, message: MailMessage): Promise<void> {
  const smtp = config.smtp!;
  const pass = smtp.password === null ? undefined : await revealSecret(config.secrets, smtp.password);
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user === null ? undefined : { user: smtp.user, pass },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  try {
    await transport.sendMail({ from: fromAddress(config), to: message.to, subject: message.subject, text: message.text, headers: message.headers });
  } finally {
    transport.close();
  }
}

/** The message as RFC 5322 bytes, built by nodemailer without sending it. */
async function compose(config: MailConfig, message: MailMessage): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const info = await transport.sendMail({ from: fromAddress(config), to: message.to, subject: message.subject, text: message.text, headers: message.headers });
  return info.message as Buffer;
}

async function viaSendmail(config: MailConfig, message: MailMessage): Promise<void> {
  const [command, ...args] = config.sendmail!;
  // Without -t the command takes the recipients as arguments, as sendmail does.
  const argv = args.includes("-t") ? args : [...args, "--", ...message.to];
  const bytes = await compose(config, message);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command!, argv, { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      if (stderr.length < 4096) stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), MAIL_TIMEOUT_MS);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${e.message} (check :sendmail in config.fnl)`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${command} ${signal !== null ? `was killed by ${signal}` : `exited with ${code}`}${stderr.trim() ? `: ${stderr.trim()}` : ""}`));
    });
    child.stdin.on("error", () => {}); // a command that exits early is reported by its exit status
    child.stdin.end(bytes);
  });
}

/** Send `message` through the configured transport; rejects with what went wrong. */
export async function sendMail(config: MailConfig, message: MailMessage): Promise<void> {
  if (config.smtp !== null) return viaSmtp(config, message);
  if (config.sendmail !== null) return viaSendmail(config, message);
  throw new Error("no mail transport: set :smtp or :sendmail in config.fnl");
}
