// Named secrets of config.fnl (:secrets) as the server itself uses them: read
// a value at use (files are read each time), and a Redactor that hides every
// configured value from what the server writes (mirror and mail output).
import { readFile } from "node:fs/promises";
import { Redactor } from "@quire/shared";
import type { SecretSource } from "./types.js";

/** A secret name that :secrets does not declare, or whose file cannot be read. */
export class SecretUnavailableError extends Error {
  readonly secret: string;
  constructor(secret: string, reason: string, options?: { cause?: unknown }) {
    super(`secret ${JSON.stringify(secret)} ${reason}`, options);
    this.name = "SecretUnavailableError";
    this.secret = secret;
  }
}

/** The value of a secret source: the string itself, or its file's text minus one trailing newline. */
export async function readSecret(source: SecretSource): Promise<string> {
  if (typeof source === "string") return source;
  const text = await readFile(source.file, "utf8");
  return text.replace(/\r?\n$/, "");
}

/** The value of the secret `name`; SecretUnavailableError says what to fix. */
export async function revealSecret(secrets: Record<string, SecretSource>, name: string): Promise<string> {
  const source = Object.hasOwn(secrets, name) ? secrets[name] : undefined;
  if (source === undefined) {
    const known = Object.keys(secrets).sort();
    throw new SecretUnavailableError(name, `is not declared in :secrets of config.fnl (declared: ${known.join(", ") || "none"})`);
  }
  try {
    return await readSecret(source);
  } catch (e) {
    throw new SecretUnavailableError(name, `could not be read from its file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

/** A Redactor that knows every secret value it can read, plus the forms a value takes on the wire. */
export async function redactorFor(secrets: Record<string, SecretSource>): Promise<Redactor> {
  const r = new Redactor();
  for (const name of Object.keys(secrets)) {
    let value: string;
    try {
      value = await readSecret(secrets[name]!);
    } catch {
      continue; // an unreadable secret cannot appear in output either
    }
    addWireForms(r, name, value);
  }
  return r;
}

/** Remember `value` as it is, URL-encoded, and as HTTP basic credentials `value:x-oauth-basic` in base64. */
export function addWireForms(r: Redactor, name: string, value: string): void {
  r.add(name, value);
  r.add(name, encodeURIComponent(value));
  r.add(name, Buffer.from(`${value}:x-oauth-basic`).toString("base64"));
}
