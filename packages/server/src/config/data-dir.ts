// Where quire keeps its state (SPEC §2): --data-dir, else QUIRE_DATA_DIR,
// else $XDG_DATA_HOME/quire, else ~/.local/share/quire.
import { homedir } from "node:os";
import path from "node:path";

/** Resolve the data directory from a flag value and the environment. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag !== "") return path.resolve(flag);
  const fromEnv = env.QUIRE_DATA_DIR;
  if (fromEnv !== undefined && fromEnv !== "") return path.resolve(fromEnv);
  const xdg = env.XDG_DATA_HOME;
  if (xdg !== undefined && xdg !== "" && path.isAbsolute(xdg)) return path.join(xdg, "quire");
  return path.join(homedir(), ".local", "share", "quire");
}

/** Well-known paths inside a data directory. */
export function dataPaths(dataDir: string) {
  return {
    dataDir,
    db: path.join(dataDir, "quire.db"),
    config: path.join(dataDir, "config.fnl"),
    socket: path.join(dataDir, "server.sock"),
    /** The running server's URL (serve/published-url.ts). */
    serveInfo: path.join(dataDir, "serve.json"),
    repos: path.join(dataDir, "repos"),
    runs: path.join(dataDir, "runs"),
    /** Host keys of ssh mirror targets, read beside the server user's ~/.ssh/known_hosts. */
    knownHosts: path.join(dataDir, "known_hosts"),
  };
}
export type DataPaths = ReturnType<typeof dataPaths>;
