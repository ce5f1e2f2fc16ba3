// Secret redaction for logs, recorded commands and events: the Redactor lives
// in @quire/shared, where the server uses it too (mirror and notification
// output); re-exported here for the runtime's modules.
export { Redactor, REDACTION_MIN_BYTES } from "@quire/shared";
