// A streamed git command's stdout as a response body: read only as fast as
// the client takes it (backpressure pauses git's pipe), git stopped when the
// client goes away, and a failure after the headers cuts the body short.
import type { GitStream } from "./command.js";

/** git's stdout as a web stream that reads only as fast as the client takes it, and stops git when the client leaves. */
export function responseBody(proc: GitStream, what: string): ReadableStream<Uint8Array> {
  // Once the client is gone, output git had already written is dropped, not enqueued on a closed stream.
  let cancelled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        proc.stdout.on("data", (chunk: Buffer) => {
          if (cancelled) return;
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) proc.stdout.pause();
        });
        void proc.done.then(({ exitCode, stderr, timedOut }) => {
          if (cancelled) return;
          // A failure after the headers went out can only cut the download short, which the client sees.
          if (exitCode === 0) controller.close();
          else controller.error(new Error(timedOut ? `${what} ran out of time` : `${what} failed (${exitCode}): ${stderr.trim()}`));
        });
      },
      pull() {
        proc.stdout.resume();
      },
      cancel() {
        cancelled = true;
        proc.kill();
      },
    },
    { highWaterMark: 4 },
  );
}
