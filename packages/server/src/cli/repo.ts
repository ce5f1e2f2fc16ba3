// `quire repo`: placeholder until its issue lands.
import type { Command } from "./context.js";

export const repoCommand: Command = async (ctx) => {
  ctx.stderr.write("quire repo: not implemented yet\n");
  return 1;
};
