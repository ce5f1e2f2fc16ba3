// Where a reader of a run's live stream is: the run's state and last event
// seq it has seen, and how many lines of each log it holds. Sent as every
// event's id, so a reconnect (Last-Event-ID) resumes exactly there: nothing
// lost, nothing twice. Logs are named by the job's place in the run's job
// list (1-based) and the sh number (0 for the job's `(log …)` output).

export interface RunCursor {
  state: string;
  seq: number;
  /** Lines held per log key (`<job index>.<n>`); absent means none. */
  lines: Map<string, number>;
}

/** A cursor that could not be read; answered 400. */
export class CursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CursorError";
  }
}

const MAX_CURSOR = 16 * 1024;
const ENTRY = /^(\d{1,5})\.(\d{1,6}):(\d{1,9})$/;

/** The key of a log: job index in the run's job list, sh number (0: the job's output). */
export function logKey(jobIndex: number, n: number): string {
  return `${jobIndex}.${n}`;
}

/** `v1~<state>~<seq>~<key>:<lines>,…` */
export function encodeCursor(cursor: RunCursor): string {
  const entries = [...cursor.lines].filter(([, n]) => n > 0).map(([k, n]) => `${k}:${n}`);
  return `v1~${cursor.state}~${cursor.seq}~${entries.join(",")}`;
}

/** The cursor of a reader who has seen nothing. */
export function emptyCursor(): RunCursor {
  return { state: "", seq: -1, lines: new Map() };
}

/** Read a cursor sent back in Last-Event-ID or `?cursor=`; throws CursorError saying what is wrong. */
export function parseCursor(text: string): RunCursor {
  if (text.length > MAX_CURSOR) throw new CursorError(`the cursor is longer than ${MAX_CURSOR} characters`);
  const parts = text.split("~");
  if (parts.length !== 4 || parts[0] !== "v1") throw new CursorError('the cursor is not one this server wrote (expected "v1~state~seq~lines")');
  const [, state, seqText, entries] = parts as [string, string, string, string];
  if (!/^[a-z]{0,20}$/.test(state)) throw new CursorError(`the cursor names no run state: ${JSON.stringify(state.slice(0, 40))}`);
  if (!/^(-1|\d{1,12})$/.test(seqText)) throw new CursorError(`the cursor's seq is not a number: ${JSON.stringify(seqText.slice(0, 40))}`);
  const lines = new Map<string, number>();
  if (entries !== "") {
    for (const entry of entries.split(",")) {
      const m = ENTRY.exec(entry);
      if (m === null) throw new CursorError(`the cursor has a malformed log entry ${JSON.stringify(entry.slice(0, 40))} (expected job.sh:lines)`);
      const key = logKey(Number(m[1]), Number(m[2]));
      if (lines.has(key)) throw new CursorError(`the cursor names log ${key} twice`);
      lines.set(key, Number(m[3]));
    }
  }
  return { state, seq: Number(seqText), lines };
}
