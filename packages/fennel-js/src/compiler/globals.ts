// The globals strict checking always allows: Lua 5.4's standard globals
// plus `arg` and `_ENV`. Hosts add their own through allowedGlobals.

/** Names every Fennel program may refer to as globals. */
export const LUA_GLOBALS = [
  "_G", "_VERSION", "_ENV", "arg", "assert", "collectgarbage", "coroutine", "debug", "dofile",
  "error", "getmetatable", "io", "ipairs", "load", "loadfile", "math", "next", "os", "package",
  "pairs", "pcall", "print", "rawequal", "rawget", "rawlen", "rawset", "require", "select",
  "setmetatable", "string", "table", "tonumber", "tostring", "type", "utf8", "warn", "xpcall",
];
