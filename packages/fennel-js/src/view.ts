// `fennel.view`: the reference pretty-printer's output format, written in Lua
// so it runs inside the VM and sees real Lua values (metatables, integer vs
// float, identity for cycles). The host loads VIEW_LUA once per VM.

/**
 * A Lua chunk returning `view(x, ?options)`. Tables print in Fennel syntax
 * (`{:a 1 :b [1 2]}`), keys sorted by type then value, strings quoted with
 * escapes, floats as Lua prints them, `.inf`/`.nan`, cycles as `@1{...}`,
 * and tables with a `__fennelview` metamethod through it.
 */
export const VIEW_LUA = String.raw`
local type, pairs, ipairs, tostring, getmetatable, setmetatable, error, tonumber =
  type, pairs, ipairs, tostring, getmetatable, setmetatable, error, tonumber
local sort, concat, insert = table.sort, table.concat, table.insert
local rep, format, byte, find, gsub, sub, match =
  string.rep, string.format, string.byte, string.find, string.gsub, string.sub, string.match
local floor, math_type = math.floor, math.type

local defaults = {
  ["one-line?"] = false, ["detect-cycles?"] = true, ["empty-as-sequence?"] = false,
  ["metamethod?"] = true, ["prefer-colon?"] = false, ["escape-newlines?"] = false,
  ["utf8?"] = true, ["line-length"] = 80, depth = 128, ["max-sparse-gap"] = 1,
}

local type_rank = {number = 1, boolean = 2, string = 3, table = 4,
                   ["function"] = 5, userdata = 6, thread = 7}

local function meta_pairs(t)
  local mt = getmetatable(t)
  if type(mt) == "table" and mt.__pairs then return mt.__pairs(t) end
  return pairs(t)
end

local function meta_len(t)
  local mt = getmetatable(t)
  if type(mt) == "table" and mt.__len then return mt.__len(t) end
  return #t
end

local function opt(options, key)
  local v = options[key]
  if type(v) == "table" and v.once ~= nil then return v.once end
  return v
end

local function default_of(key)
  local v = defaults[key]
  if v == nil then
    error(format("option '%s' doesn't have a default value, use the :after key to set it", tostring(key)))
  end
  return v
end

-- Options for a nested level: {:once x} falls back, {:after y} takes over.
local function nested(options)
  local out = {}
  for k, v in meta_pairs(options) do
    if type(v) == "table" and v.after ~= nil then out[k] = v.after
    elseif type(v) == "table" and v.once ~= nil then out[k] = default_of(k)
    else out[k] = v end
  end
  return out
end

local function key_before(a, b)
  local ka, kb = a[1], b[1]
  local ta, tb = type(ka), type(kb)
  if ta == tb and (ta == "string" or ta == "number") then return ka < kb end
  local ra, rb = type_rank[ta], type_rank[tb]
  if ra and rb then return ra < rb end
  if ra then return true end
  if rb then return false end
  return ta < tb
end

local function widest_gap(kv)
  local gap, prev = 0, 0
  for _, pair in ipairs(kv) do
    local k = pair[1]
    if k - prev > gap then gap = k - prev end
    prev = k
  end
  return gap
end

local function fill_holes(kv)
  local missing, i = {}, 0
  for _, pair in ipairs(kv) do
    i = i + 1
    while i < pair[1] do
      missing[#missing + 1] = i
      i = i + 1
    end
  end
  for _, k in ipairs(missing) do insert(kv, k, {k}) end
end

local function entries(t, options)
  local gap = options["max-sparse-gap"]
  if type(gap) ~= "number" or gap ~= floor(gap) then
    error(format("max-sparse-gap must be an integer: got '%s'", tostring(gap)))
  end
  local assoc, kv = false, {}
  for k, v in meta_pairs(t) do
    if type(k) ~= "number" or k < 1 or k ~= floor(k) then assoc = true end
    kv[#kv + 1] = {k, v}
  end
  sort(kv, key_before)
  if not assoc then
    if gap < widest_gap(kv) then assoc = true else fill_holes(kv) end
  end
  if #kv == 0 then return kv, "empty" end
  return kv, assoc and "table" or "seq"
end

local function count_appearances(t, seen)
  if type(t) == "table" then
    if not seen[t] then
      seen[t] = 1
      for k, v in meta_pairs(t) do
        count_appearances(k, seen)
        count_appearances(v, seen)
      end
    else
      seen[t] = seen[t] + 1
    end
  end
  return seen
end

local function remember(t, seen)
  local id = seen.len + 1
  if not seen[t] then
    seen[t] = id
    seen.len = id
  end
  return seen
end

local function cyclic(t, seen)
  if type(t) ~= "table" then return nil end
  seen[t] = true
  for k, v in meta_pairs(t) do
    local hit = seen[k] or cyclic(k, seen) or seen[v] or cyclic(v, seen)
    if hit then return hit end
  end
  return nil
end

local function cycle_shown(t, options)
  return opt(options, "detect-cycles?") and cyclic(t, {}) and remember(t, options.seen)
    and 1 < (options.appearances[t] or 0)
end

local function opener_indent(indent, id)
  if id then return indent + #tostring(id) + 2 end
  return indent + 1
end

local pp

local function join_table(items, options, multiline, indent, kind, prefix, trailing_comment)
  local newline = "\n" .. rep(" ", indent)
  local open = (prefix or "") .. (kind == "seq" and "[" or "{")
  local close = kind == "seq" and "]" or "}"
  local oneline = open .. concat(items, " ") .. close
  if not opt(options, "one-line?")
     and (multiline or options["line-length"] < indent + meta_len(oneline) or trailing_comment) then
    return open .. concat(items, newline) .. (trailing_comment and newline or "") .. close
  end
  return oneline
end

local function is_comment(x)
  if type(x) ~= "table" then return false end
  local first = x[1]
  return type(first) == "string" and find(first, "^;") ~= nil
end

local function view_assoc(t, kv, options, indent)
  local id = options.seen[t]
  if options.depth <= options.level then return "{...}" end
  if id and opt(options, "detect-cycles?") then return "@" .. id .. "{...}" end
  local shown = cycle_shown(t, options)
  id = shown and options.seen[t]
  indent = opener_indent(indent, id)
  local prefix = shown and ("@" .. id) or ""
  local inner, multiline, pairs_out = nested(options), false, {}
  for _, pair in ipairs(kv) do
    local k = pp(pair[1], inner, indent + 1, true)
    local v = pp(pair[2], inner, indent)
    multiline = multiline or find(k, "\n") ~= nil or find(v, "\n") ~= nil
      or options["line-length"] < meta_len(k .. " " .. v)
    pairs_out[#pairs_out + 1] = {k, v}
  end
  local lines = {}
  for _, pair in ipairs(pairs_out) do
    if multiline then
      lines[#lines + 1] = pair[1]
      lines[#lines + 1] = pair[2]
    else
      lines[#lines + 1] = pair[1] .. " " .. pair[2]
    end
  end
  return join_table(lines, options, multiline, indent, "table", prefix, false)
end

local function view_seq(t, kv, options, indent)
  local id = options.seen[t]
  if options.depth <= options.level then return "[...]" end
  if id and opt(options, "detect-cycles?") then return "@" .. id .. "[...]" end
  local shown = cycle_shown(t, options)
  id = shown and options.seen[t]
  indent = opener_indent(indent, id)
  local prefix = shown and ("@" .. id) or ""
  local trailing_comment = is_comment(t[#t])
  local inner, multiline, items = nested(options), false, {}
  for _, pair in ipairs(kv) do
    local v = pp(pair[2], inner, indent)
    multiline = multiline or find(v, "\n") ~= nil or find(v, "^;") ~= nil
    items[#items + 1] = v
  end
  return join_table(items, options, multiline, indent, "seq", prefix, trailing_comment)
end

local function join_lines(lines, options, indent, force)
  if meta_len(lines) == 0 then
    return opt(options, "empty-as-sequence?") and "[]" or "{}"
  end
  local stripped = {}
  for i, line in ipairs(lines) do stripped[i] = (gsub(line, "^%s+", "")) end
  local oneline = concat(stripped, " ")
  if not opt(options, "one-line?")
     and (force or find(oneline, "\n") or options["line-length"] < indent + meta_len(oneline)) then
    return concat(lines, "\n" .. rep(" ", indent))
  end
  return oneline
end

local function view_with_metamethod(t, metamethod, options, indent)
  if options.depth <= options.level then
    return opt(options, "empty-as-sequence?") and "[...]" or "{...}"
  end
  options["visible-cycle?"] = function(x) return cycle_shown(x, options) end
  local lines, force = metamethod(t, pp, nested(options), indent)
  options["visible-cycle?"] = nil
  local kind = type(lines)
  if kind == "string" then return lines end
  if kind == "table" then return join_lines(lines, options, indent, force) end
  error("__fennelview metamethod must return a table of lines")
end

local function fennelview_of(x)
  local mt = getmetatable(x)
  local kind = type(mt)
  if kind == "table" or kind == "string" then return mt.__fennelview end
  return nil
end

local function view_table(x, options, indent)
  options.level = options.level + 1
  local metamethod = opt(options, "metamethod?") and fennelview_of(x)
  local out
  if metamethod then
    out = view_with_metamethod(x, metamethod, options, indent)
  else
    local kv, kind = entries(x, options)
    if kind == "empty" then
      out = opt(options, "empty-as-sequence?") and "[]" or "{}"
    elseif kind == "table" then
      out = view_assoc(x, kv, options, indent)
    else
      out = view_seq(x, kv, options, indent)
    end
  end
  options.level = options.level - 1
  return out
end

local function exponent_form(n, fallback)
  for digits = 0, 99 do
    local s = format("%." .. digits .. "e", n)
    if n == tonumber(s) then
      local exp = match(s, "e%+?(%d+)$")
      if exp and 14 < tonumber(exp) then return s end
      return fallback
    end
  end
  return nil
end

local inf_text, neg_inf_text = tostring(1 / 0), tostring(-1 / 0)

local function whole_number_text(n, options)
  local s = tostring(n)
  if math_type and math_type(n) == "integer" then return s end
  if s == inf_text then return options.infinity or ".inf" end
  if s == neg_inf_text then return options["negative-infinity"] or "-.inf" end
  if s == format("%.0f", n) then return s end
  return exponent_form(n, s) or s
end

local function number_text(n, options)
  local s
  if n ~= n then
    if byte(tostring(n)) == 45 then s = options["negative-nan"] or "-.nan"
    else s = options.nan or ".nan" end
  elseif floor(n) == n then
    s = whole_number_text(n, options)
  else
    s = tostring(n)
  end
  return (gsub(s, ",", "."))
end

local function colon_ok(s)
  return find(s, "^[-%w?^_!$%&*+./|<=>]+$") ~= nil
end

local utf8_leads = {
  {0x00, 0x7f, 0x00, 0x7f, 1},
  {0xc0, 0xdf, 0x80, 0x7ff, 2},
  {0xe0, 0xef, 0x800, 0xffff, 3},
  {0xf0, 0xf7, 0x10000, 0x10ffff, 4},
}

local function default_byte_escape(b) return format("\\%03d", b) end

-- Length of the valid UTF-8 sequence starting at i, or nil.
local function utf8_seq_len(s, i)
  local b = byte(s, i)
  if not b then return nil end
  local lead
  for _, l in ipairs(utf8_leads) do
    if l[1] <= b and b <= l[2] then lead = l break end
  end
  if not lead then return nil end
  local code = b - lead[1]
  for j = i + 1, i + lead[5] - 1 do
    local c = byte(s, j)
    if c and code and 0x80 <= c and c <= 0xbf then code = code * 64 + (c - 0x80)
    else code = nil end
  end
  if code and lead[3] <= code and code <= lead[4] and not (0xd800 <= code and code <= 0xdfff) then
    return lead[5]
  end
  return nil
end

local function escape_invalid_utf8(s, options)
  local escape = opt(options, "byte-escape") or default_byte_escape
  local out, i, n = {}, 1, #s
  while i <= n do
    local nexti = find(s, "[\128-\255]", i) or n + 1
    local len = utf8_seq_len(s, nexti)
    out[#out + 1] = sub(s, i, nexti + (len or 0) - 1)
    if not len and nexti <= n then out[#out + 1] = escape(byte(s, nexti), options) end
    i = len and (nexti + len) or (nexti + 1)
  end
  return concat(out)
end

local function string_text(s, options, indent)
  local len = meta_len(s)
  local escape_newline = len < 2
    or (opt(options, "escape-newlines?") and len < options["line-length"] - indent)
  local escape = opt(options, "byte-escape") or default_byte_escape
  local escapes = setmetatable({
    ["\a"] = "\\a", ["\b"] = "\\b", ["\f"] = "\\f", ["\v"] = "\\v", ["\r"] = "\\r",
    ["\t"] = "\\t", ["\\"] = "\\\\", ["\""] = "\\\"",
    ["\n"] = escape_newline and "\\n" or "\n",
  }, {__index = function(_, c) return escape(byte(c), options) end})
  local quoted = "\"" .. gsub(s, "[%c\\\"]", escapes) .. "\""
  if opt(options, "utf8?") then return escape_invalid_utf8(quoted, options) end
  return quoted
end

local function make_options(t, given)
  local options = {}
  for k, v in pairs(defaults) do options[k] = v end
  for k, v in pairs(given or {}) do options[k] = v end
  options.level = 0
  options.appearances = count_appearances(t, {})
  options.seen = {len = 0}
  return options
end

pp = function(x, options, indent, colon)
  indent = indent or 0
  options = options or make_options(x)
  if options.preprocess then x = options.preprocess(x, options) end
  local tv = type(x)
  if tv == "table" then return view_table(x, options, indent) end
  if tv == "userdata" then
    local mt = getmetatable(x)
    if type(mt) == "table" and mt.__fennelview then return view_table(x, options, indent) end
  end
  if tv == "number" then return number_text(x, options) end
  if tv == "string" then
    if colon_ok(x) then
      local use_colon
      if colon ~= nil then use_colon = colon
      elseif type(options["prefer-colon?"]) == "function" then use_colon = options["prefer-colon?"](x)
      else use_colon = opt(options, "prefer-colon?") end
      if use_colon then return ":" .. x end
    end
    return string_text(x, options, indent)
  end
  if tv == "boolean" or tv == "nil" then return tostring(x) end
  return "#<" .. tostring(x) .. ">"
end

return function(x, options)
  return pp(x, make_options(x, options), 0)
end
`;
