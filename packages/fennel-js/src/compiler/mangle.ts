// Fennel names to Lua names: locals (`foo-bar` → `foo_bar`, `ok?` →
// `ok_3f`, keywords → `_end`), globals (kept when already valid Lua, else
// `__fnl_global__…`), and Lua string/key literal helpers.

export const LUA_KEYWORDS = new Set([
  "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
  "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
]);

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `s` can be written bare as a Lua name. */
export function isValidLuaIdentifier(s: string): boolean {
  return IDENT.test(s) && !LUA_KEYWORDS.has(s);
}

/** The Lua spelling of a local named `name` (before uniqueness). */
export function mangleLocal(name: string): string {
  if (IDENT.test(name)) return LUA_KEYWORDS.has(name) ? "_" + name : name;
  let out = "";
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (ch === "-") out += "_";
    else if (/[A-Za-z0-9_]/.test(ch)) out += ch;
    else {
      const cp = name.codePointAt(i)!;
      if (cp > 0xffff) i++;
      out += "_" + cp.toString(16) + "_";
    }
  }
  if (/^[0-9]/.test(out)) out = "_" + out;
  return out;
}

/** The Lua spelling of a global named `name`. */
export function mangleGlobal(name: string): string {
  if (isValidLuaIdentifier(name)) return name;
  let out = "__fnl_global__";
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    if (/[A-Za-z0-9]/.test(ch)) out += ch;
    else out += "_" + name.charCodeAt(i).toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** A Lua string literal for a JS string (lone U+DC80–DCFF are raw bytes). */
export function luaString(s: string): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 34 || c === 92 || c === 127 || (c >= 0xd800 && c <= 0xdfff)) {
      plain = false;
      break;
    }
  }
  if (plain) return '"' + s + '"';
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) out += '\\"';
    else if (c === 92) out += "\\\\";
    else if (c === 10) out += "\\n";
    else if (c === 9) out += "\\t";
    else if (c === 13) out += "\\r";
    else if (c < 32 || c === 127) out += "\\" + String(c).padStart(3, "0");
    else if (c >= 0xdc80 && c <= 0xdcff) out += "\\" + String(c - 0xdc00).padStart(3, "0");
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      out += s[i]! + s[i + 1]!;
      i++;
    } else out += s[i]!;
  }
  return out + '"';
}
