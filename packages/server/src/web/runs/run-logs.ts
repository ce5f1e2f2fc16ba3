// A run with its logs, as the run page and its live stream both need it: the
// run view (ci-status/run-view.ts) plus, per job, its `(log …)` output and
// each sh's log, each brought up to date through the shared LogViews. A
// log is final (its unterminated last line shown too) once the run is over
// and its executor gone: nothing can write to it any more.
import { isTerminalRunState, type RunState } from "@quire/shared";
import { jobOutputPath, loadRunView, shLogPath, type RunView } from "../../ci-status/run-view.js";
import type { RunRow } from "../../db/schema.js";
import type { WebDeps } from "../context.js";
import { logKey, type RunCursor } from "../live/cursor.js";
import { logAnchor } from "./anchors.js";
import type { LogView } from "./log-view.js";

export interface RunLog {
  /** The cursor's name for it (`<job index>.<n>`). */
  key: string;
  /** The prefix of its line anchors on the run page. */
  anchor: string;
  jobId: string;
  /** sh number; 0 for the job's `(log …)` output. */
  n: number;
  /** Null when the job id cannot name a folder of its own. */
  view: LogView | null;
}

export interface LoadedRun {
  view: RunView;
  logs: RunLog[];
  /** The run is over and its executor gone: every log is complete. */
  final: boolean;
}

/** True when nothing will change for `run` any more. */
export function runIsFinal(run: Pick<RunRow, "state" | "pid">): boolean {
  return isTerminalRunState(run.state as RunState) && run.pid === null;
}

/** The logs of `view`: each job's output, then its sh logs, in job order. */
export function runLogList(web: WebDeps, view: RunView): RunLog[] {
  const logs: RunLog[] = [];
  view.jobs.forEach((job, i) => {
    const out = jobOutputPath(view.runDir, job.jobId);
    logs.push({ key: logKey(i + 1, 0), anchor: logAnchor(job.jobId, 0), jobId: job.jobId, n: 0, view: out === null ? null : web.logs.get(out) });
    for (const sh of view.sh) {
      if (sh.jobId !== job.jobId) continue;
      const file = shLogPath(view.runDir, sh.jobId, sh.n);
      logs.push({ key: logKey(i + 1, sh.n), anchor: logAnchor(sh.jobId, sh.n), jobId: sh.jobId, n: sh.n, view: file === null ? null : web.logs.get(file) });
    }
  });
  return logs;
}

/** Load `run` and bring every one of its logs up to date. */
export async function loadRunWithLogs(web: WebDeps, run: RunRow): Promise<LoadedRun> {
  const view = loadRunView(web.db, web.paths.runs, run);
  const final = runIsFinal(run);
  const logs = runLogList(web, view);
  await Promise.all(logs.map((l) => l.view?.refresh(final)));
  return { view, logs, final };
}

/** Where a reader who has everything loaded stands. */
export function cursorOf(loaded: LoadedRun): RunCursor {
  return {
    state: loaded.view.run.state,
    seq: loaded.view.run.lastEventSeq,
    lines: new Map(loaded.logs.map((l) => [l.key, l.view?.count ?? 0])),
  };
}
