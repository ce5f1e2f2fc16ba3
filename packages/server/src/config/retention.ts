// The `:retention` key (SPEC §7): how many finished runs of each ref to keep
// and for how many days, globally and per repo. Pruning lives in retention/.
import { isTable, typeName, type ConfigReport } from "./fennel-table.js";

export interface RetentionPolicy {
  /** Newest runs of each (repo, ref) kept whatever their age (≥ 1). */
  keepRunsPerRef: number;
  /** Runs finished longer ago than this are pruned (the newest of each ref stays). */
  keepDays: number;
}

export const DEFAULT_RETENTION: Readonly<RetentionPolicy> = Object.freeze({ keepRunsPerRef: 50, keepDays: 90 });

/** Read `:retention {:keep-runs-per-ref 50 :keep-days 90}`; either key may be left out. */
export function readRetention(v: unknown, report: ConfigReport): Partial<RetentionPolicy> | undefined {
  if (!isTable(v)) {
    report.problem("retention", `:retention must be a table such as {:keep-runs-per-ref 50 :keep-days 90}, got ${typeName(v)}`);
    return undefined;
  }
  const out: Partial<RetentionPolicy> = {};
  let ok = true;
  for (const [key, value] of report.entries(v)) {
    if (key === "keep-runs-per-ref") {
      if (Number.isInteger(value) && (value as number) >= 1) out.keepRunsPerRef = value as number;
      else {
        report.problem(key, `:retention :keep-runs-per-ref must be a whole number ≥ 1 (the newest run of a ref is always kept), got ${typeName(value)}`);
        ok = false;
      }
    } else if (key === "keep-days") {
      if (typeof value === "number" && value >= 0 && Number.isFinite(value)) out.keepDays = value;
      else {
        report.problem(key, `:retention :keep-days must be a number of days ≥ 0, got ${typeName(value)}`);
        ok = false;
      }
    } else {
      report.problem(key, `:retention: unknown key :${key} (known: :keep-runs-per-ref :keep-days)`);
      ok = false;
    }
  }
  return ok ? out : undefined;
}
