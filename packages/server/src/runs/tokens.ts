// Bearer run tokens (SPEC §6): `<run-id>.<random>`, stored as sha256 hex,
// compared in constant time. The id prefix finds the row without a lookup
// by secret.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh token for `runId`; only its hash is stored. */
export function newRunToken(runId: string): string {
  return `${runId}.${randomBytes(32).toString("base64url")}`;
}

export function hashRunToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The run id a token claims, or undefined when it is not shaped like one. */
export function runIdOfToken(token: string): string | undefined {
  const dot = token.indexOf(".");
  if (dot <= 0 || dot === token.length - 1) return undefined;
  return token.slice(0, dot);
}

/** Constant-time check of `token` against a stored hash (a missing hash never matches). */
export function tokenMatches(token: string, storedHash: string | null | undefined): boolean {
  const actual = Buffer.from(hashRunToken(token), "hex");
  const expected = Buffer.from(storedHash ?? "0".repeat(64), "hex");
  const same = expected.length === actual.length && timingSafeEqual(actual, expected);
  return same && storedHash !== null && storedHash !== undefined;
}
