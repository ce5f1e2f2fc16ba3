// `quire hook`: placeholder until its issue lands.
import type { Command } from "./context.js";

export const hookCommand: Command = async (ctx) => {
  ctx.stderr.write("quire hook: not implemented yet\n");
  return 1;
};
