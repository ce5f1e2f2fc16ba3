// Run the `quire` CLI in-process with captured streams: same declaration and
// dispatch as the binary, without a node start-up per call.
import { Writable } from "node:stream";
import { main } from "../src/cli/main.js";

export interface MainResult {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): Writable & { text: () => string } {
  const chunks: Buffer[] = [];
  const w = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(Buffer.from(chunk));
      cb();
    },
  });
  return Object.assign(w, { text: () => Buffer.concat(chunks).toString("utf8") });
}

/** `quire ARGS…` in this process. */
export async function runMain(argv: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<MainResult> {
  const stdout = sink();
  const stderr = sink();
  const code = await main(argv, { stdout, stderr, env: options.env ?? process.env, ...(options.cwd ? { cwd: options.cwd } : {}) });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
