// The spawn helper program (see launcher.ts): reads spawn requests as JSON
// lines on stdin, starts each command in its own process group, and reports
// pid, output (base64), exit and close as JSON lines on stdout. Exits when
// quire-ci closes its stdin. Imports nothing else, so it stays small.
import { spawn } from "node:child_process";

const PIPE_GRACE_MS = 200;

function send(msg: object): void {
  process.stdout.write(JSON.stringify(msg) + "\n");
}

const envs = new Map<number, Record<string, string>>();

function start(req: { id: number; argv: string[]; cwd: string; envRef: number; env?: Record<string, string> }): void {
  const { id } = req;
  if (req.env) envs.set(req.envRef, req.env);
  const env = envs.get(req.envRef) ?? {};
  let closed = false;
  let status: { code: number | null; signal: string | null } | undefined;
  // One message carries the exit status and the end of output, saving quire-ci a wake-up.
  const close = (): void => {
    if (closed) return;
    closed = true;
    send({ t: "close", id, ...status });
  };
  let child;
  try {
    child = spawn(req.argv[0]!, req.argv.slice(1), { cwd: req.cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  } catch (e) {
    send({ t: "err", id, code: (e as NodeJS.ErrnoException).code, message: (e as Error).message });
    close();
    return;
  }
  if (child.pid !== undefined) send({ t: "pid", id, pid: child.pid });
  child.stdout.on("data", (d: Buffer) => send({ t: "o", id, d: d.toString("base64") }));
  child.stderr.on("data", (d: Buffer) => send({ t: "e", id, d: d.toString("base64") }));
  child.on("error", (e: NodeJS.ErrnoException) => {
    send({ t: "err", id, code: e.code, message: e.message });
    close();
  });
  child.on("exit", (code, signal) => {
    status = { code, signal };
    setTimeout(() => {
      if (closed) return;
      child.stdout.destroy();
      child.stderr.destroy();
      close();
    }, PIPE_GRACE_MS).unref();
  });
  child.on("close", close);
}

let buffer = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (text: string) => {
  buffer += text;
  let nl: number;
  while ((nl = buffer.indexOf("\n")) >= 0) {
    const line = buffer.slice(0, nl);
    buffer = buffer.slice(nl + 1);
    if (line.length > 0) start(JSON.parse(line) as Parameters<typeof start>[0]);
  }
});
process.stdin.on("end", () => process.exit(0));
// quire-ci is gone: so is the helper's purpose.
process.stdout.on("error", () => process.exit(0));
