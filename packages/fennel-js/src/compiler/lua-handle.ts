// Lua values the compiler holds without looking inside: handles into the
// compile-time VM (see compile-time.ts), and the user macros made of them.

/** A Lua value held by the compile-time VM: a macro, a macro table, an env. */
export interface LuaHandle {
  readonly ref: number;
}

/** A user macro: a Lua function or callable table (or a table of macros). */
export interface UserMacro {
  kind: "user";
  value: LuaHandle;
  name: string;
}
