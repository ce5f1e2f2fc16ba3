// A line-based REPL for `fennel-js --repl`: reads stdin until the input parses
// as complete forms, evaluates it in one VM and prints the values with view.
import { createInterface } from "node:readline";
import { FennelError } from "./errors.js";
import type { FdSink } from "./host/node-files.js";
import type { VM } from "./host/vm/vm.js";
import { describeError } from "./describe-error.js";
import { withReplLocals } from "./repl-locals.js";

const HELP = `Welcome to the fennel-js REPL. Enter Fennel forms to evaluate them;
values print as fennel.view shows them.
  ,help  show this text
  ,exit  leave the REPL (as does end of input)`;

function incomplete(e: unknown): boolean {
  // Input that merely stops early: an open delimiter or string, or a dangling prefix.
  return (
    e instanceof FennelError &&
    e.kind === "parse" &&
    (e.reason.startsWith("expected closing delimiter") ||
      e.reason.startsWith("unterminated") ||
      e.reason.endsWith("at end of input"))
  );
}

/** Run the REPL until end of input; returns the exit code. */
export async function runRepl(vm: VM, stdout: FdSink): Promise<number> {
  const rl = createInterface({ input: process.stdin, terminal: false });
  const prompt = (text: string): void => {
    stdout.write(Buffer.from(text));
    stdout.flush();
  };
  stdout.write(Buffer.from("Welcome to Fennel 1.6.0 on PUC Lua 5.4!\nUse ,help to see available commands.\n"));
  prompt(">> ");
  let pending = "";
  const known = new Set<string>();
  await vm.evalString("(set _G.___replLocals___ {})");
  for await (const line of rl) {
    if (pending === "" && /^\s*,/.test(line)) {
      const command = line.trim();
      if (command === ",exit") break;
      stdout.write(Buffer.from(command === ",help" ? `${HELP}\n` : `Unknown command ${command}; try ,help\n`));
      prompt(">> ");
      continue;
    }
    pending += `${line}\n`;
    if (pending.trim() === "") {
      pending = "";
      prompt(">> ");
      continue;
    }
    try {
      const names = new Set(known);
      await vm.evalString(withReplLocals(pending, names), { filename: "stdin", print: "view" });
      for (const n of names) known.add(n);
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
