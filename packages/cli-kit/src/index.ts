// @quire/cli-kit: declare a command line once; parse, validate, help,
// suggest and complete from that declaration.
export type { CommandSpec, OptionSpec, PositionalSpec, ProgramSpec, ValueCompletion } from "./spec.js";
export { parseCommandLine, commandName, type ParseResult, type ParseOptions } from "./parse.js";
export { CommandInput, type OptionValue } from "./input.js";
export { UsageError } from "./errors.js";
export { renderHelp, usageLine } from "./help.js";
export { nearest, didYouMean, editDistance } from "./suggest.js";
export {
  completeWords,
  completionScript,
  formatCompletion,
  COMPLETE_COMMAND,
  SHELLS,
  type Shell,
  type Candidate,
  type CompletionResult,
  type DynamicValues,
} from "./completion.js";
