// Public API of @quire/shared: wire types and their schemas, and secret
// redaction. No I/O.
export * from "./run-states.js";
export * from "./failure-kinds.js";
export * from "./events.js";
export * from "./push.js";
export * from "./bootstrap.js";
export * from "./schema-errors.js";
export * from "./exit-codes.js";
export * from "./log-format.js";
export * from "./redact.js";
export * from "./runner-labels.js";
export * from "./runner-protocol.js";
