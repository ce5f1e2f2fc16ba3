// Building a VM's Lua side, in order: the lazy view and prelude (whose helpers
// the VM keeps), the trusted setup Lua, then the profile (pipeline removals and
// refusal messages, or cli io). The VM class and its options are in vm.ts and
// options.ts.
import { FENNEL_VERSION } from "../../version.js";
import { VIEW_LUA } from "../../view.js";
import { jsToLua, luaToJs } from "../convert.js";
import { loadBytes, pushString, readString } from "../lua-stack.js";
import { LAZY_VIEW_LUA } from "../lua/lazy-view.js";
import { FENNEL_API_LUA } from "../lua/fennel-api.js";
import { FENNEL_REPL_LUA } from "../lua/fennel-repl.js";
import { FENNEL_UTILS_LUA } from "../lua/fennel-utils.js";
import { PRELUDE_LUA } from "../lua/prelude.js";
import { PIPELINE_PROFILE_LUA, PIPELINE_REFUSALS_LUA } from "../lua/profiles.js";
import { installNodeIo } from "../node-io.js";
import { callOrThrow, loadOrThrow } from "./internal-lua.js";
import type { VMOptions, VMSetup } from "./options.js";
import { compileTimeLibrary } from "./compile-time-library.js";
import { pushPrimitives } from "./primitives.js";
import type { VMHelpers, VMState } from "./state.js";

/**
 * Load the lazy view, the AST utils, the fennel module and the prelude;
 * returns refs to the helpers they define (and records the AST types).
 */
export function loadPrelude(vm: VMState): VMHelpers {
  const L = vm.global.address;
  const m = vm.m;
  const lua = vm.global.lua;
  // Named as the fennel module's file, which is where ,find shows fennel.view is.
  loadOrThrow(vm, L, LAZY_VIEW_LUA, "@fennel-js/fennel.lua");
  vm.raw.push(L, (L2) => {
    loadOrThrow(vm, L2, VIEW_LUA, "=fennel-js.view");
    callOrThrow(vm, L2, 0, 1);
    return 1;
  });
  callOrThrow(vm, L, 1, 1);
  const viewRef = vm.reg.ref(L);

  loadOrThrow(vm, L, FENNEL_UTILS_LUA, "=fennel-js.utils");
  pushString(m, L, FENNEL_VERSION);
  callOrThrow(vm, L, 1, 1);
  const field = (name: string): number => {
    lua.lua_getfield(L, -1, name);
    return vm.reg.ref(L);
  };
  vm.formTypes = {
    list: field("list-mt"),
    sym: field("symbol-mt"),
    varg: field("varg-mt"),
    comment: field("comment-mt"),
    sequenceMarker: field("sequence-marker"),
    sequenceView: field("sequence-view"),
  };
  const utilsRef = vm.reg.ref(L);

  m._lua_createtable(L, 0, 64);
  const fennelRef = vm.reg.ref(L);
  loadOrThrow(vm, L, "return {load = load, traceback = debug and debug.traceback}", "=fennel-js.privileged");
  callOrThrow(vm, L, 0, 1);
  const privilegedRef = vm.reg.ref(L);
  pushPrimitives(vm, L);
  const hostRef = vm.reg.ref(L);
  vm.libraryRefs = { utils: utilsRef, fennel: fennelRef, host: hostRef, privileged: privilegedRef };

  loadOrThrow(vm, L, FENNEL_API_LUA, "@fennel-js/fennel.lua");
  for (const r of [fennelRef, utilsRef, hostRef, viewRef]) vm.reg.push(L, r);
  vm.raw.push(L, (L2) => {
    vm.reg.push(L2, compileTimeLibrary(vm).specials);
    return 1;
  });
  vm.raw.push(L, (L2) => {
    loadOrThrow(vm, L2, FENNEL_REPL_LUA, "@fennel-js/repl.lua");
    for (const r of [fennelRef, utilsRef, hostRef]) vm.reg.push(L2, r);
    callOrThrow(vm, L2, 3, 1);
    return 1;
  });
  callOrThrow(vm, L, 6, 2);
  const modulesRef = vm.reg.ref(L);
  m._lua_settop(L, -2);

  loadOrThrow(vm, L, PRELUDE_LUA, "=fennel-js.prelude");
  vm.reg.push(L, hostRef);
  pushString(m, L, vm.awaitToken);
  vm.reg.push(L, fennelRef);
  vm.reg.push(L, modulesRef);
  callOrThrow(vm, L, 4, 1);
  const helpers = {
    wrapHost: field("wrap_host"),
    globalNames: field("global_names"),
    fennel: fennelRef,
    view: viewRef,
    printValues: field("print_values"),
    viewValues: field("view_values"),
    runEntry: field("run_entry"),
    guardCatches: field("guard_catches"),
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
  } else if (options.profile === "cli") {
    installNodeIo(vm.global, vm.raw, vm.output, (L2, src, name) => loadOrThrow(vm, L2, src, name), (L2, n, r) => callOrThrow(vm, L2, n, r));
  }
}
