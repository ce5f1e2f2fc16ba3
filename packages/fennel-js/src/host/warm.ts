// Imported first by the CLI: starts compiling the WebAssembly Lua while the
// rest of the modules load, so a VM is ready sooner.
import { warmUp } from "./engine.js";

void warmUp();
