// Real notification peers on loopback for tests: an SMTP server (the
// smtp-server package) that requires a login and parses what it receives, and
// an HTTP server that checks each webhook's X-Quire-Signature.
import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface SmtpPeer {
  port: number;
  mails: ParsedMail[];
  /** Envelope recipients of each mail, in order. */
  recipients: string[][];
  close(): Promise<void>;
}

/** An SMTP server on 127.0.0.1 that accepts `user`/`password` only (plain, no TLS: loopback). */
export async function startSmtpPeer(user: string, password: string): Promise<SmtpPeer> {
  const mails: ParsedMail[] = [];
  const recipients: string[][] = [];
  const server = new SMTPServer({
    allowInsecureAuth: true,
    disabledCommands: ["STARTTLS"],
    authMethods: ["PLAIN", "LOGIN"],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === user && auth.password === password) cb(null, { user });
      else cb(new Error("Invalid username or password"));
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((mail) => {
          mails.push(mail);
          recipients.push(session.envelope.rcptTo.map((r) => r.address));
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    mails,
    recipients,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface WebhookPeer {
  url: string;
  /** Each POST: its parsed body, whether its signature checked out, its headers. */
  received: { body: unknown; signed: boolean; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** An HTTP server that verifies `X-Quire-Signature: sha256=<hex>` under `key` and answers 204. */
export async function startWebhookPeer(key: string): Promise<WebhookPeer> {
  const received: WebhookPeer["received"] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const expected = Buffer.from(`sha256=${createHmac("sha256", key).update(raw).digest("hex")}`);
      const given = Buffer.from(String(req.headers["x-quire-signature"] ?? ""));
      const signed = given.length === expected.length && timingSafeEqual(given, expected);
      received.push({ body: JSON.parse(raw.toString("utf8")), signed, headers: req.headers });
      res.writeHead(signed ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

