// Declaration of `quire serve`; the implementation is ../serve.ts.
import type { CommandSpec } from "@quire/cli-kit";
import type { CommandRun } from "../context.js";

export const serveCommand: CommandSpec<CommandRun> = {
  name: "serve",
  summary: "run the server: HTTP, push socket, run queue",
  description: "Runs until SIGINT or SIGTERM. The flags override config.fnl (docs/config.md).",
  options: {
    port: { kind: "int", value: "N", min: 0, max: 65535, summary: "HTTP port; 0 picks a free one (config :port, default 3000)" },
    bind: { kind: "string", value: "ADDR", summary: "address to listen on (config :bind, default 127.0.0.1)" },
  },
  examples: ["quire serve", "quire serve --port 8080 --bind 0.0.0.0"],
  load: async () => (await import("../serve.js")).serve,
};
