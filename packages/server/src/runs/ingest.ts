// Post-exit ingest (SPEC §6): replays events.jsonl through applyEvent so the
// projection holds everything quire-ci wrote, whatever the live path missed.
// Idempotent by seq; malformed lines are reported and skipped, never fatal.
import { readFileSync } from "node:fs";
import { parseEventLine } from "@quire/shared";
import type { Db } from "../db/open.js";
import { applyEvent } from "./apply-event.js";

export interface IngestProblem {
  /** 1-based line number in events.jsonl. */
  line: number;
  message: string;
}

export interface IngestReport {
  /** Events projected now. */
  applied: number;
  /** Events already applied by the live path (or an earlier ingest). */
  alreadyApplied: number;
  /** Malformed lines, contradictory events, gaps in seq. */
  problems: IngestProblem[];
  /** False when the file did not exist. */
  fileFound: boolean;
  /** Seqs missing from the file (it skipped over them): the record is not whole. */
  missingSeqs: number;
}

/**
 * Ingest `file` into run `runId` (which must be active to change anything).
 * Lines are applied in file order; a seq at or below the last applied is
 * skipped, a later one is applied and the missing seqs are reported.
 */
export function ingestEventsFile(db: Db, runId: string, file: string): IngestReport {
  const report: IngestReport = { applied: 0, alreadyApplied: 0, problems: [], fileFound: true, missingSeqs: 0 };
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { ...report, fileFound: false };
    report.problems.push({ line: 0, message: `cannot read ${file}: ${(e as Error).message}` });
    return report;
  }
  const lines = text.split("\n");
  // One transaction for the whole file: ingest is a batch, and fast.
  db.sqlite.transaction(() => {
    lines.forEach((raw, i) => {
      const lineNo = i + 1;
      const line = raw.trim();
      if (line === "") return;
      const parsed = parseEventLine(line);
      if (!parsed.ok) {
        report.problems.push({ line: lineNo, message: `skipped malformed line: ${parsed.error}` });
        return;
      }
      const result = applyEvent(db, runId, parsed.event, "ingest");
      switch (result.kind) {
        case "applied":
          report.applied++;
          if (result.gapFrom !== undefined) {
            const to = parsed.event.seq - 1;
            report.missingSeqs += to - result.gapFrom + 1;
            report.problems.push({ line: lineNo, message: `seq ${result.gapFrom}${to > result.gapFrom ? `–${to}` : ""} missing before seq ${parsed.event.seq}` });
          }
          break;
        case "duplicate":
          report.alreadyApplied++;
          break;
        case "ignored":
          report.problems.push({ line: lineNo, message: `seq ${parsed.event.seq} ignored: ${result.reason}` });
          break;
        case "not-active":
          report.problems.push({ line: lineNo, message: `seq ${parsed.event.seq} not applied: the run is ${result.state}` });
          break;
        case "gap":
          break; // live mode only
      }
    });
  })();
  return report;
}
