// POST /api/run/events (SPEC §6): the live projection. The body is one event
// object or a JSON array of events in seq order (at most 1000). Every event
// is parsed before any is applied; then each must be the next seq, else 409.
import { parseEvent, SchemaError, type RunEvent } from "@quire/shared";
import { Hono } from "hono";
import type { Db } from "../../db/open.js";
import { HttpError } from "../../errors.js";
import { applyEvent } from "../../runs/apply-event.js";
import type { RunTokenEnv } from "../middleware/run-token.js";

export const MAX_EVENTS_PER_REQUEST = 1000;

/** Response body of a successful POST. */
export interface EventsResponse {
  applied: number;
  last_seq: number;
  /** Events that consumed their seq but contradicted the projection. */
  ignored: { seq: number; reason: string }[];
}

/** `onApplied` runs after a request applied events (the web view's live pages look then). */
export function eventsRoute(db: Db, onApplied?: () => void) {
  return new Hono<RunTokenEnv>().post("/", async (c) => {
    const run = c.get("run");
    const events = parseBody(await c.req.text());
    const response: EventsResponse = { applied: 0, last_seq: run.lastEventSeq, ignored: [] };
    for (const event of events) {
      const result = applyEvent(db, run.id, event, "live");
      switch (result.kind) {
        case "applied":
          response.applied++;
          response.last_seq = event.seq;
          break;
        case "ignored":
          response.ignored.push({ seq: event.seq, reason: result.reason });
          response.last_seq = event.seq;
          break;
        case "duplicate":
        case "gap":
          throw new HttpError(
            409,
            "seq_out_of_order",
            result.kind === "duplicate"
              ? `seq ${event.seq} was already applied; the next expected seq is ${result.lastSeq + 1}`
              : `seq ${event.seq} skips ahead; the next expected seq is ${result.lastSeq + 1}`,
            { details: { expected_seq: result.lastSeq + 1, applied: response.applied } },
          );
        case "not-active":
          throw new HttpError(409, "run_not_active", `run ${run.id} is ${result.state}; events are accepted only after bootstrap`, {
            details: { applied: response.applied },
          });
      }
    }
    if (response.applied > 0 || response.ignored.length > 0) onApplied?.();
    return c.json(response);
  });
}

function parseBody(text: string): RunEvent[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, "bad_request", `body is not valid JSON: ${(e as Error).message}; send one event object or an array of events`);
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new HttpError(400, "bad_request", "body is an empty array; send at least one event");
  if (list.length > MAX_EVENTS_PER_REQUEST) {
    throw new HttpError(400, "bad_request", `body has ${list.length} events; send at most ${MAX_EVENTS_PER_REQUEST} per request`);
  }
  return list.map((item, i) => {
    try {
      return parseEvent(item);
    } catch (e) {
      if (!(e instanceof SchemaError)) throw e;
      const where = Array.isArray(value) ? `events[${i}]: ` : "";
      throw new HttpError(400, "bad_request", `${where}${e.message}`);
    }
  });
}
