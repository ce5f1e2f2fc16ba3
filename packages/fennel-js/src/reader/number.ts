// Number literals as Lua reads them: decimal, float, exponent, hex and hex
// floats, with `_` separators (not leading) removed. Returns the Lua text to
// emit, or undefined when the token is not a number.

const DEC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;

export interface NumberLiteral {
  text: string;
  value: number;
}

// The reader's names for the values Lua has no literal for (what view prints),
// as Lua text. NaN's sign follows Lua on this platform: 0/0 prints "-nan".
const SPECIAL_VALUES: Record<string, NumberLiteral> = {
  ".inf": { text: "(1/0)", value: Infinity },
  "+.inf": { text: "(1/0)", value: Infinity },
  "-.inf": { text: "(-1/0)", value: -Infinity },
  ".nan": { text: "(- (0/0))", value: NaN },
  "+.nan": { text: "(- (0/0))", value: NaN },
  "-.nan": { text: "(0/0)", value: NaN },
};

/** Parse a token as a Lua number literal (or `.inf`, `-.inf`, `.nan`, `-.nan`). */
export function readNumber(token: string): NumberLiteral | undefined {
  const c0 = token.charCodeAt(0);
  if ((c0 === 46 || c0 === 45 || c0 === 43) && token.length <= 5) {
    const special = SPECIAL_VALUES[token];
    if (special !== undefined) return special;
  }
  // Quick reject: numbers start with a digit, sign or dot.
  if (!((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 43 || c0 === 46)) return undefined;
  if (c0 === 95) return undefined;
  const clean = token.indexOf("_") >= 0 ? token.replace(/_/g, "") : token;
  if (DEC.test(clean)) {
    const text = c0 === 43 ? clean.slice(1) : clean;
    return { text, value: Number(text) };
  }
  const m = HEX.exec(clean);
  if (m !== null) {
    const text = c0 === 43 ? clean.slice(1) : clean;
    return { text, value: hexValue(m[1]!, m[2]!, m[3]) };
  }
  return undefined;
}

function hexValue(sign: string, digits: string, exp: string | undefined): number {
  const dot = digits.indexOf(".");
  const intPart = dot >= 0 ? digits.slice(0, dot) : digits;
  const frac = dot >= 0 ? digits.slice(dot + 1) : "";
  let v = 0;
  for (const ch of intPart) v = v * 16 + parseInt(ch, 16);
  let scale = 1 / 16;
  for (const ch of frac) {
    v += parseInt(ch, 16) * scale;
    scale /= 16;
  }
  if (exp !== undefined) v *= Math.pow(2, Number(exp));
  return sign === "-" ? -v : v;
}

/** True when a Lua number literal denotes a float (not an integer). */
export function isFloatLiteral(text: string): boolean {
  if (/^[+-]?0[xX]/.test(text)) return /[.pP]/.test(text);
  return /[.eE]/.test(text);
}
