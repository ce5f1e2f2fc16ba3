// A line-based REPL for `fennel-js --repl`: reads stdin until the input parses
// as complete forms, evaluates it in one VM and prints the values with view.
import { createInterface } from "node:readline";
import { FennelError } from "./errors.js";
import type { FdSink } from "./host/node-files.js";
import type { VM } from "./host/vm.js";
import { describeError } from "./cli.js";

function incomplete(e: unknown): boolean {
  return (
    e instanceof FennelError &&
    e.kind === "parse" &&
    (e.reason.startsWith("expected closing delimiter") || e.reason === "unterminated string")
  );
}

/** Run the REPL until end of input; returns the exit code. */
export async function runRepl(vm: VM, stdout: FdSink): Promise<number> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  const prompt = (text: string): void => {
    stdout.write(Buffer.from(text));
    stdout.flush();
  };
  stdout.write(Buffer.from("Welcome to fennel-js (Fennel 1.6.0 on PUC Lua 5.4)!\n"));
  prompt(">> ");
  let pending = "";
  for await (const line of rl) {
    pending += `${line}\n`;
    if (pending.trim() === "") {
      pending = "";
      prompt(">> ");
      continue;
    }
    try {
      await vm.evalString(pending, { filename: "stdin", print: "view" });
    } catch (e) {
      if (incomplete(e)) {
        prompt(".. ");
        continue;
      }
      stdout.flush();
      process.stderr.write(`${describeError(e)}\n`);
    }
    pending = "";
    prompt(">> ");
  }
  stdout.flush();
  return 0;
}
