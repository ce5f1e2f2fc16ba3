// The Fennel language version fennel-js implements; reported by the CLI, the
// runtime `fennel` module and the compile-time environment alike.

/** The reference Fennel release whose behaviour fennel-js follows. */
export const FENNEL_VERSION = "1.6.0";
