// Building a VM's Lua side, in order: the lazy view and prelude (whose helpers
// the VM keeps), the trusted setup Lua, then the profile (pipeline removals and
// refusal messages, or cli io). The VM class and its options are in vm.ts and
// options.ts.
import { FENNEL_VERSION } from "../../version.js";
import { VIEW_LUA } from "../../view.js";
import { jsToLua, luaToJs } from "../convert.js";
import { loadBytes, pushString, readString } from "../lua-stack.js";
import { LAZY_VIEW_LUA } from "../lua/lazy-view.js";
import { PRELUDE_LUA } from "../lua/prelude.js";
import { PIPELINE_PROFILE_LUA, PIPELINE_REFUSALS_LUA } from "../lua/profiles.js";
import { installNodeIo } from "../node-io.js";
import { callOrThrow, loadOrThrow } from "./internal-lua.js";
import type { VMOptions, VMSetup } from "./options.js";
import { pushPrimitives } from "./primitives.js";
import type { VMHelpers, VMState } from "./state.js";

/** Load the lazy view and the prelude; returns refs to the helpers they define. */
export function loadPrelude(vm: VMState): VMHelpers {
  const L = vm.global.address;
  const m = vm.m;
  loadOrThrow(vm, L, LAZY_VIEW_LUA, "=fennel-js.view");
  vm.raw.push(L, (L2) => {
    loadOrThrow(vm, L2, VIEW_LUA, "=fennel-js.view");
    callOrThrow(vm, L2, 0, 1);
    return 1;
  });
  callOrThrow(vm, L, 1, 1);
  const viewRef = vm.reg.ref(L);

  loadOrThrow(vm, L, PRELUDE_LUA, "=fennel-js.prelude");
  pushPrimitives(vm, L, viewRef);
  pushString(m, L, vm.awaitToken);
  pushString(m, L, FENNEL_VERSION);
  callOrThrow(vm, L, 3, 1);
  const field = (name: string): number => {
    vm.global.lua.lua_getfield(L, -1, name);
    return vm.reg.ref(L);
  };
  const helpers = {
    wrapHost: field("wrap_host"),
    globalNames: field("global_names"),
    fennel: field("fennel"),
    view: viewRef,
    printValues: field("print_values"),
    viewValues: field("view_values"),
    runEntry: field("run_entry"),
  };
  m._lua_settop(L, -2);
  return helpers;
}

/** Set a string field of the `fennel` table (whose ref is `fennelRef`). */
export function setFennelField(vm: VMState, fennelRef: number, name: string, value: string): void {
  const L = vm.global.address;
  vm.reg.push(L, fennelRef);
  pushString(vm.m, L, value);
  vm.global.lua.lua_setfield(L, -2, name);
  vm.m._lua_settop(L, -2);
}

/** Run the trusted setup Lua; its converted return values are appended to `results`. */
export function runSetup(vm: VMState, L: number, setup: VMSetup, results: unknown[]): void {
  const top = vm.m._lua_gettop(L);
  if (loadBytes(vm.m, L, Buffer.from(setup.lua, "utf8"), `=${setup.name ?? "setup"}`) !== 0) {
    const msg = readString(vm.m, L, -1);
    vm.m._lua_settop(L, top);
    throw new Error(`VM setup did not load: ${msg}`);
  }
  const args = setup.args ?? [];
  for (const a of args) jsToLua(vm.ctx, L, a);
  if (vm.global.lua.lua_pcallk(L, args.length, -1, 0, 0, null) !== 0) {
    const msg = readString(vm.m, L, -1);
    vm.m._lua_settop(L, top);
    throw new Error(`VM setup failed: ${msg}`);
  }
  for (let i = top + 1; i <= vm.m._lua_gettop(L); i++) results.push(luaToJs(vm.ctx, L, i));
  vm.m._lua_settop(L, top);
}

/** Apply the library profile: pipeline removals (and refusal messages), or cli io. */
export function applyProfile(vm: VMState, L: number, options: VMOptions): void {
  if ((options.profile ?? "pipeline") === "pipeline") {
    loadOrThrow(vm, L, PIPELINE_PROFILE_LUA, "=fennel-js.profile");
    callOrThrow(vm, L, 0, 0);
    const refusals = options.refusals;
    if (refusals) {
      loadOrThrow(vm, L, PIPELINE_REFUSALS_LUA, "=fennel-js.refusals");
      jsToLua(vm.ctx, L, refusals.globals ?? {});
      jsToLua(vm.ctx, L, refusals.os);
      callOrThrow(vm, L, 2, 0);
    }
  } else {
    installNodeIo(vm.global, vm.raw, vm.output, (L2, src, name) => loadOrThrow(vm, L2, src, name), (L2, n, r) => callOrThrow(vm, L2, n, r));
  }
}
