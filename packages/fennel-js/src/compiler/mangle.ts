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

/** The Lua spelling of a local named `name` (before uniqueness), as the reference mangles it. */
export function mangleLocal(name: string): string {
  if (IDENT.test(name)) return LUA_KEYWORDS.has(name) ? "_" + name : name;
  const raw = /^[0-9]/.test(name) ? "_" + name : name;
  let out = "";
  for (const b of Buffer.from(raw, "utf8")) {
    if (b === 45) out += "_";
    else if ((b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b === 95) out += String.fromCharCode(b);
    else out += "_" + b.toString(16).padStart(2, "0");
  }
  return out;
}

/**
 * The Lua spelling of a global named `name`; with `mangle` false a name that
 * is no Lua identifier is `_G["name"]` (the reference's global-mangle option).
 */
export function mangleGlobal(name: string, mangle = true): string {
  if (isValidLuaIdentifier(name)) return name;
  if (!mangle) return `_G[${luaString(name)}]`;
  let out = "__fnl_global__";
  for (const b of Buffer.from(name, "utf8")) {
    if ((b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)) out += String.fromCharCode(b);
    else out += "_" + b.toString(16).padStart(2, "0");
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
