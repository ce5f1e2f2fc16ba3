// Values of the server ↔ quire-ci contract that quire-ci needs at run time,
// copied from @quire/shared: importing them would load its schema library on
// the start-up path. wire.test.ts holds the copies equal to the originals.

/** Environment variable with the server's base URL. */
export const ENV_SERVER_URL = "QUIRE__SERVER_URL";
/** Environment variable naming the file descriptor that carries the run's bearer token. */
export const ENV_TOKEN_FD = "QUIRE__TOKEN_FD";
/** Every variable with this prefix is stripped from what `sh` commands inherit. */
export const ENV_INTERNAL_PREFIX = "QUIRE__";

/** One line of events.jsonl (as formatEventLine of @quire/shared). */
export function eventLine(event: object): string {
  return JSON.stringify(event) + "\n";
}

/** quire-ci's exit status when it stopped a run because it could not write its files. */
export const EXIT_STORAGE_ERROR = 74;
