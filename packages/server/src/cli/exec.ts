// `quire exec`: placeholder until its issue lands.
import type { Command } from "./context.js";

export const execCommand: Command = async (ctx) => {
  ctx.stderr.write("quire exec: not implemented yet\n");
  return 1;
};
