// Run ids: 12 lowercase hex digits, random. Short enough to type after
// `quire ci show`; order comes from queued_at_ms, not the id.
import { randomBytes } from "node:crypto";

export function newRunId(): string {
  return randomBytes(6).toString("hex");
}
