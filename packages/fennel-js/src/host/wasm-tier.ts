// Which V8 compiler runs the WebAssembly Lua: Liftoff, the baseline compiler,
// only. V8 otherwise recompiles the Lua interpreter's hot functions with
// TurboFan, which in a process that lives for a script or a pipeline costs
// more CPU than the faster code gives back (measured: a one-line script
// 196 -> 117 ms of CPU, a 0.3 s loop no slower). Set before the module is
// compiled, and before scripts whose code cache must match the flags.
import { setFlagsFromString } from "node:v8";

let set = false;

/** Make V8 compile WebAssembly with Liftoff only, from now on in this process. */
export function useBaselineWasm(): void {
  if (set) return;
  set = true;
  setFlagsFromString("--liftoff-only");
}
