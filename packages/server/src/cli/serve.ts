// `quire serve`: placeholder until its issue lands.
import type { Command } from "./context.js";

export const serveCommand: Command = async (ctx) => {
  ctx.stderr.write("quire serve: not implemented yet\n");
  return 1;
};
