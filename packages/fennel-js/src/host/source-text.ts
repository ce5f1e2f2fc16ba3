// Fennel source files are bytes. Valid UTF-8 is compiled as text; anything
// else is read byte-for-byte (latin1) so string literals survive unchanged.

// ignoreBOM keeps a leading byte-order mark: the reference reads it as a symbol.
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export interface SourceText {
  text: string;
  encoding: "utf8" | "latin1";
}

export function decodeSource(bytes: Uint8Array): SourceText {
  try {
    return { text: strict.decode(bytes), encoding: "utf8" };
  } catch {
    return { text: Buffer.from(bytes).toString("latin1"), encoding: "latin1" };
  }
}

export function encodeLua(lua: string, encoding: SourceText["encoding"]): Uint8Array {
  return Buffer.from(lua, encoding);
}
