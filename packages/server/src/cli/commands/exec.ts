// Declaration of `quire exec`, the target of sshd's ForceCommand; the
// implementation is ../exec.ts, the allowlist ../../git/exec-allowlist.ts.
import type { CommandSpec } from "@quire/cli-kit";
import type { CommandRun } from "../context.js";

export const execCommand: CommandSpec<CommandRun> = {
  name: "exec",
  summary: "SSH ForceCommand target: run an allowed git service or quire command",
  description:
    'Takes the whole remote command as one argument and parses it itself; see docs/deploy.md.\nsshd_config: ForceCommand quire --data-dir /srv/quire exec "$SSH_ORIGINAL_COMMAND"',
  raw: true,
  positionals: [{ name: "command", summary: 'the whole remote command as one argument: "$SSH_ORIGINAL_COMMAND"', required: true }],
  load: async () => (await import("../exec.js")).exec,
};
