// The `remote` launcher: the run is not started on this host. It stays
// pending until a runner whose labels cover its :runs-on claims it
// (runners/claim.ts); the runner starts quire-ci on its own host with a host
// launcher (bwrap where it can, else local) and streams the run back.

/** The description `quire serve` prints and /healthz reports for it. */
export const REMOTE_DESCRIPTION = "remote: runs wait for a runner on another host (quire runner start)";
