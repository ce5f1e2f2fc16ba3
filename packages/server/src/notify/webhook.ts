// Delivering a webhook notification: an HTTP POST of the JSON body, signed
// with HMAC-SHA256 of the exact body bytes under the named secret's value in
// `X-Quire-Signature: sha256=<hex>` when a secret is set.
import { createHmac } from "node:crypto";
import { revealSecret } from "../config/secrets.js";
import type { SecretSource } from "../config/types.js";

export const SIGNATURE_HEADER = "X-Quire-Signature";
export const WEBHOOK_TIMEOUT_MS = 15_000;

/** `sha256=<hex>` of `body` under `key`. */
export function signBody(body: string, key: string): string {
  return `sha256=${createHmac("sha256", key).update(body, "utf8").digest("hex")}`;
}

export interface WebhookDelivery {
  url: string;
  /** The JSON text, sent exactly as signed. */
  body: string;
  event: string;
  secretName: string | null;
  secrets: Record<string, SecretSource>;
}

/** POST the body; rejects unless the server answers 2xx within WEBHOOK_TIMEOUT_MS. */
export async function deliverWebhook(d: WebhookDelivery): Promise<void> {
  const headers: Record<string, string> = { "Content-Type": "application/json", "User-Agent": "quire", "X-Quire-Event": d.event };
  if (d.secretName !== null) headers[SIGNATURE_HEADER] = signBody(d.body, await revealSecret(d.secrets, d.secretName));
  let res: Response;
  try {
    res = await fetch(d.url, { method: "POST", headers, body: d.body, redirect: "error", signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`POST ${d.url} failed: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
  await res.body?.cancel();
  if (res.status < 200 || res.status > 299) throw new Error(`POST ${d.url} answered ${res.status} ${res.statusText}`);
}
