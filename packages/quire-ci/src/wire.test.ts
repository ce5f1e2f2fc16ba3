// quire-ci's copies of contract values equal @quire/shared's.
import * as shared from "@quire/shared";
import { describe, expect, it } from "vitest";
import * as wire from "./wire.js";
import { LOG_MARKS } from "./runtime/log-file.js";

describe("wire copies", () => {
  it("match @quire/shared", () => {
    expect(wire.ENV_SERVER_URL).toBe(shared.ENV_SERVER_URL);
    expect(wire.ENV_TOKEN_FD).toBe(shared.ENV_TOKEN_FD);
    expect(wire.ENV_INTERNAL_PREFIX).toBe(shared.ENV_INTERNAL_PREFIX);
    expect(wire.EXIT_STORAGE_ERROR).toBe(shared.EXIT_STORAGE_ERROR);
    expect(LOG_MARKS).toEqual(shared.LOG_MARKS);
    const event = { type: "job_started", job_id: "a", seq: 1, at_ms: 5 } as const;
    expect(wire.eventLine(event)).toBe(shared.formatEventLine(event));
  });
});
