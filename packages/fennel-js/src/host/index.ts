// The host's public surface: VMs, value conversion helpers and runtime errors.
export { createVM, VM, FENNEL_VERSION, type VMOptions, type VMProfile, type VMSetup, type VMRefusals, type EvalOptions } from "./vm/vm.js";
export { luaValues, LuaValues, LuaOpaque, type LuaFunction } from "./convert.js";
export { LuaRuntimeError } from "./chunks.js";
export { FdSink, type OutputSink } from "./node-io.js";
export { warmUp } from "./engine.js";
