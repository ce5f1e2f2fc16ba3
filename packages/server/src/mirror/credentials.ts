// The environment of one mirror `git push`, and nothing else, carries its
// credential: a token answered by an inline credential helper that reads it
// from that environment, or an SSH key file named in GIT_SSH_COMMAND. No
// token is ever in an argv, a remote URL on disk, or a log. ssh always runs
// in batch mode (it never prompts, even when quire serve has a terminal) and
// checks host keys against ~/.ssh/known_hosts and the data directory's
// known_hosts.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { mirrorTransport, type MirrorTarget } from "../config/mirrors.js";
import { revealSecret } from "../config/secrets.js";
import type { SecretSource } from "../config/types.js";

/** The variables the helper reads; set only in the environment of that one git push. */
export const ENV_USERNAME = "QUIRE_MIRROR_USERNAME";
export const ENV_PASSWORD = "QUIRE_MIRROR_PASSWORD";

/**
 * git runs a helper that starts with "!" through the shell. Its text names
 * variables only; printf is a shell builtin, so the values never become an
 * argv either. `store` and `erase` do nothing: nothing is kept anywhere.
 */
export const CREDENTIAL_HELPER = `!f() { if [ "$1" = get ]; then printf 'username=%s\\npassword=%s\\n' "$${ENV_USERNAME}" "$${ENV_PASSWORD}"; fi; }; f`;

/** The password GitHub (and others) accept beside a token sent as the username (SPEC §10). */
export const TOKEN_PASSWORD = "x-oauth-basic";

export interface PushAuth {
  /** Variables to add to the git push environment. */
  env: Record<string, string>;
  /** Removes a temporary key file, if one was written. */
  cleanup(): Promise<void>;
}

/** Where ssh looks for target host keys: the user's file, then the data directory's, when given. */
export interface SshOptions {
  knownHostsFile?: string;
}

/** Quote for the POSIX shell git runs GIT_SSH_COMMAND with. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Variables that would let the caller's git config or prompts take part; dropped from the push environment. */
export function scrubbedEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (/^GIT_CONFIG_(COUNT|KEY_\d+|VALUE_\d+|PARAMETERS)$/.test(k)) continue;
    if (k === "GIT_ASKPASS" || k === "SSH_ASKPASS" || k === "GIT_SSH" || k === "GIT_SSH_COMMAND" || k.startsWith("GIT_TRACE")) continue;
    if (k === "GIT_DIR" || k === "GIT_WORK_TREE" || k.startsWith("QUIRE_")) continue;
    env[k] = v;
  }
  env.GIT_TERMINAL_PROMPT = "0";
  // Only the transports a mirror may use; never ext:: or fd::.
  env.GIT_ALLOW_PROTOCOL = "file:http:https:ssh";
  return env;
}

/**
 * The credential variables for pushing to `url` (a target with `{repo}`
 * filled in). Throws SecretUnavailableError when the named secret is not
 * declared or cannot be read.
 */
export async function pushAuth(url: string, target: Pick<MirrorTarget, "secret">, secrets: Record<string, SecretSource>, ssh: SshOptions = {}): Promise<PushAuth> {
  const transport = mirrorTransport(url);
  const none: PushAuth = { env: {}, cleanup: async () => {} };
  if (transport === "file") return none;
  if (transport === "ssh" && target.secret === null) return { env: { GIT_SSH_COMMAND: sshCommand(null, ssh) }, cleanup: none.cleanup };
  if (target.secret === null) return none;
  if (transport === "http") {
    const token = await revealSecret(secrets, target.secret);
    return {
      env: {
        // An empty helper first clears any helper of the system or user config (a cache would keep the token).
        GIT_CONFIG_COUNT: "2",
        GIT_CONFIG_KEY_0: "credential.helper",
        GIT_CONFIG_VALUE_0: "",
        GIT_CONFIG_KEY_1: "credential.helper",
        GIT_CONFIG_VALUE_1: CREDENTIAL_HELPER,
        [ENV_USERNAME]: token,
        [ENV_PASSWORD]: TOKEN_PASSWORD,
      },
      cleanup: none.cleanup,
    };
  }
  // ssh: a {:file …} secret is the key file itself; a string is the key, written privately for this push.
  const source = secrets[target.secret];
  let keyFile: string;
  let cleanup = none.cleanup;
  if (source !== undefined && typeof source === "object") {
    await revealSecret(secrets, target.secret); // says clearly when the file cannot be read
    keyFile = source.file;
  } else {
    const key = await revealSecret(secrets, target.secret);
    const dir = await mkdtemp(path.join(tmpdir(), "quire-mirror-key-"));
    await chmod(dir, 0o700);
    keyFile = path.join(dir, "key");
    await writeFile(keyFile, key.endsWith("\n") ? key : `${key}\n`, { mode: 0o600 });
    cleanup = () => rm(dir, { recursive: true, force: true });
  }
  return { env: { GIT_SSH_COMMAND: sshCommand(keyFile, ssh) }, cleanup };
}

/** The ssh command line of a mirror push: batch mode, the key file when there is one, both known_hosts files. */
export function sshCommand(keyFile: string | null, ssh: SshOptions): string {
  const words = ["ssh"];
  if (keyFile !== null) words.push("-i", shellQuote(keyFile), "-o", "IdentitiesOnly=yes");
  words.push("-o", "BatchMode=yes");
  if (ssh.knownHostsFile !== undefined) {
    // ssh reads the option like a config line: each file double-quoted, so a path with spaces stays one file.
    const files = ["~/.ssh/known_hosts", ssh.knownHostsFile].map((f) => `"${f}"`).join(" ");
    words.push("-o", shellQuote(`UserKnownHostsFile=${files}`));
  }
  return words.join(" ");
}
