// The hook files a hosted repository gets (git 2.39 runs hook files, not
// `hook.<name>.command`): `post-receive` execs `quire hook post-receive` with
// the node binary, the quire script and the data directory baked in.
import { chmod, writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The argv prefix that runs this quire: node plus the built `quire` script. */
export function defaultQuireCommand(): string[] {
  // From src/git/ and from dist/git/ alike, the package root is two levels up.
  const here = path.dirname(fileURLToPath(import.meta.url));
  return [process.execPath, path.resolve(here, "..", "..", "dist", "bin", "quire.js")];
}

/** Quote one word for a POSIX shell script. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface HookOptions {
  dataDir: string;
  /** argv prefix that runs `quire`; defaults to this installation. */
  quireCommand?: string[];
}

/** The text of the post-receive hook. */
export function postReceiveScript(options: HookOptions): string {
  const command = options.quireCommand ?? defaultQuireCommand();
  return [
    "#!/bin/sh",
    "# Installed by quire: hands the pushed refs to the running `quire serve`.",
    "# Rewrite it with `quire repo hooks NAME` after moving quire or the data directory.",
    `QUIRE_DATA_DIR=${shellQuote(options.dataDir)}`,
    "export QUIRE_DATA_DIR",
    `exec ${command.map(shellQuote).join(" ")} hook post-receive`,
    "",
  ].join("\n");
}

/** Write (or rewrite) the hooks of the bare repository at `gitDir`. */
export async function installHooks(gitDir: string, options: HookOptions): Promise<void> {
  const hooksDir = path.join(gitDir, "hooks");
  await mkdir(hooksDir, { recursive: true });
  const file = path.join(hooksDir, "post-receive");
  await writeFile(file, postReceiveScript(options), { mode: 0o755 });
  await chmod(file, 0o755);
}
