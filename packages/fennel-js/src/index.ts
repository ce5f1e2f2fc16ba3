// Public API of fennel-js.
export * from "./reader/forms.js";
export * from "./errors.js";
export * from "./types.js";
export { compileString, CompilerNotReadyError } from "./compile-string.js";
export * from "./host/index.js";
export { VIEW_LUA } from "./view.js";
