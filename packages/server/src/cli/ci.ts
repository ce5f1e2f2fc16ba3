// `quire ci`: placeholder until its issue lands.
import type { Command } from "./context.js";

export const ciCommand: Command = async (ctx) => {
  ctx.stderr.write("quire ci: not implemented yet\n");
  return 1;
};
