// The line protocol of <data>/server.sock: a client sends one JSON object on
// one line and the server answers with one JSON line. `push` comes from the
// post-receive hook, and so does `drain`, after it spooled a push too long to
// send (the server queues the spool at once); `wake` and `cancel` come from
// `quire ci` commands.
import type { PushEvent } from "@quire/shared";

/** A run queued for one ref of a push. */
export interface QueuedRun {
  id: string;
  ref: string;
  sha: string;
  url: string;
  /** Older runs of the ref it superseded: their state then, and since when (ms). */
  superseded?: { id: string; from: string; since_ms: number }[];
}

/** A ref of a push that started no run, and why. */
export interface SkippedRef {
  ref: string;
  reason: string;
}

/** What one push queued: its runs, the refs it skipped, and whether its push id came before. */
export interface PushResult {
  runs: QueuedRun[];
  skipped: SkippedRef[];
  /** Set when the push id was handled before: these are the runs it queued then. */
  repeated?: true;
}

export type SocketRequest = PushEvent | { type: "wake" } | { type: "drain" } | { type: "cancel"; run_id: string };

export type SocketReply =
  | { ok: true; runs?: QueuedRun[]; skipped?: SkippedRef[]; repeated?: true; message?: string }
  | { ok: false; error: string };

/** Longest request line the server reads before refusing it. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** How long a client waits for the server's answer. */
export const REPLY_TIMEOUT_MS = 10_000;
