// The Lua side of the compile-time VM: form constructors and predicates
// for macro code (list, sym, sequence, gensym, view…), the JSON encoder
// that carries macro results back to the compiler, and captured output.
import { FENNEL_VERSION } from "../version.js";
import { mangleGlobal } from "./mangle.js";

const HELPERS: Array<[string, string]> = [
  ["list", "__fnl.list"],
  ["sym", "__fnl.sym"],
  ["sequence", "__fnl.Q"],
  ["gensym", "__fnl.gensym"],
  ["list?", "__fnl.is_list"],
  ["sym?", "__fnl.is_sym"],
  ["sequence?", "__fnl.is_seq"],
  ["table?", "__fnl.is_table"],
  ["varg?", "__fnl.is_varg"],
  ["multi-sym?", "__fnl.is_multisym"],
  ["comment?", "__fnl.is_comment"],
  ["macroexpand", "__fnl.macroexpand"],
  ["assert-compile", "__fnl.assert_compile"],
  ["in-scope?", "__fnl.in_scope"],
  ["view", "__fnl.view"],
  ["get-scope", "__fnl.get_scope"],
  ["ast-source", "__fnl.ast_source"],
];

const CORE = String.raw`
__fnl = {macros = {}, loaded = {}, out = {}, scope = {}, count = 0}
local F = __fnl
local LIST, SYM, SEQ, VARG = {kind = "list"}, {kind = "sym"}, {kind = "sequence"}, {kind = "varg"}
local unpack = table.unpack
SYM.__tostring = function(s) return s[1] end
LIST.__tostring = function(l) return F.view(l) end
SEQ.__fennelview = nil
F.LIST, F.SYM, F.SEQ, F.VARG = LIST, SYM, SEQ, VARG

function F.S(name, line, col) return setmetatable({name, line = line, col = col, filename = F.file}, SYM) end
function F.L(line, col, ...) return setmetatable({line = line, col = col, filename = F.file, ...}, LIST) end
function F.Q(...) return setmetatable({...}, SEQ) end
function F.V() return setmetatable({"..."}, VARG) end
function F.list(...) return setmetatable({...}, LIST) end
function F.list_at(line, ...) return setmetatable({line = line, filename = F.file, ...}, LIST) end
function F.sym(name, line)
  if type(name) ~= "string" then name = tostring(name) end
  return setmetatable({name, line = (type(line) == "number" and line) or (type(line) == "table" and line.line) or nil}, SYM)
end
F.sequence = F.Q
function F.varg() return setmetatable({"..."}, VARG) end
function F.gensym(base)
  F.count = F.count + 1
  return setmetatable({(base and tostring(base) or "") .. "_" .. F.count .. "_auto"}, SYM)
end
function F.is_list(x) return getmetatable(x) == LIST and x or false end
function F.is_sym(x, name)
  if getmetatable(x) ~= SYM then return false end
  if name ~= nil then return x[1] == name and x or false end
  return x
end
function F.is_seq(x) return getmetatable(x) == SEQ and x or false end
function F.is_varg(x) return getmetatable(x) == VARG and x or false end
function F.is_table(x)
  local mt = getmetatable(x)
  return type(x) == "table" and mt ~= LIST and mt ~= SYM and mt ~= VARG and x or false
end
function F.is_comment() return false end
function F.is_multisym(x)
  if getmetatable(x) == SYM then x = x[1] end
  if type(x) ~= "string" or x == "." or x == ".." or x == "..." then return false end
  if not (x:find("[.:]")) then return false end
  local parts = {}
  for p in x:gmatch("[^.:]+") do parts[#parts + 1] = p end
  if x:find(":") then parts["multi-sym-method-call"] = true end
  return parts
end
function F.in_scope(x)
  local name = getmetatable(x) == SYM and x[1] or tostring(x)
  name = name:match("^[^.:]+") or name
  return F.scope[name] == true
end
function F.get_scope() return {} end
function F.ast_source(x)
  if type(x) == "table" then return x end
  return {}
end
function F.assert_compile(cond, msg, form)
  if not cond then
    error({__fnl_compile_error = tostring(msg), line = type(form) == "table" and form.line or nil}, 0)
  end
  return cond
end
function F.macroexpand(form)
  for _ = 1, 1000 do
    if getmetatable(form) ~= LIST or getmetatable(form[1]) ~= SYM then return form end
    local m = F.active[form[1][1]]
    if not m then return form end
    form = m(unpack(form, 2))
  end
  return form
end
F.active = {}

local function kw_ok(s) return s:match("^[^%s()%[%]{}\"'` + "`" + String.raw`,;~@#:][^%s()%[%]{}\"'` + "`" + String.raw`,;~@]*$") and not s:match("^[0-9.+-]") end
-- One stable order for table keys (by type, then value), shared by view and encode.
local function key_order(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end
local function view_str(s, key)
  if key and kw_ok(s) then return ":" .. s end
  return '"' .. s:gsub('[\\"\n\t]', {["\\"] = "\\\\", ['"'] = '\\"', ["\n"] = "\\n", ["\t"] = "\\t"}) .. '"'
end
local function view_num(n)
  if math.type(n) == "integer" then return string.format("%d", n) end
  if n ~= n then return "nan" elseif n == math.huge then return "inf" elseif n == -math.huge then return "-inf" end
  local s = string.format("%.14g", n)
  if s:find("^-?%d+$") then s = s .. ".0" end
  return s
end
function F.view(x, _opts, seen)
  local t = type(x)
  if t == "string" then return view_str(x)
  elseif t == "number" then return view_num(x)
  elseif t ~= "table" then return tostring(x) end
  seen = seen or {}
  if seen[x] then return "@" .. tostring(x) end
  seen[x] = true
  local mt = getmetatable(x)
  local out
  if mt == SYM then out = x[1]
  elseif mt == VARG then out = "..."
  elseif mt == LIST then
    local parts = {}
    for i = 1, #x do parts[i] = F.view(x[i], nil, seen) end
    out = "(" .. table.concat(parts, " ") .. ")"
  else
    local n = #x
    local count = 0
    for _ in pairs(x) do count = count + 1 end
    if mt == SEQ or (n > 0 and count == n) then
      local parts = {}
      for i = 1, n do parts[i] = F.view(x[i], nil, seen) end
      out = "[" .. table.concat(parts, " ") .. "]"
    elseif count == 0 then out = "{}"
    else
      local keys = {}
      for k in pairs(x) do keys[#keys + 1] = k end
      table.sort(keys, key_order)
      local parts = {}
      for _, k in ipairs(keys) do
        local ks = type(k) == "string" and view_str(k, true) or F.view(k, nil, seen)
        parts[#parts + 1] = ks .. " " .. F.view(x[k], nil, seen)
      end
      out = "{" .. table.concat(parts, " ") .. "}"
    end
  end
  seen[x] = nil
  return out
end

local function jstr(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\" end
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end
local function jnum(n)
  if math.type(n) == "integer" then return string.format("%d", n) end
  if n ~= n then return "(0/0)" elseif n == math.huge then return "1e309" elseif n == -math.huge then return "-1e309" end
  local s = string.format("%.17g", n)
  if not s:find("[.eEn]") then s = s .. ".0" end
  return s
end
local function pos(x)
  return (x.line and (',"l":' .. math.floor(x.line)) or "") .. (x.col and (',"c":' .. math.floor(x.col)) or "")
end
local encode
function encode(x, depth)
  if depth > 200 then error("macro result is nested too deeply (a cycle?)", 0) end
  local t = type(x)
  if t == "string" then return jstr(x)
  elseif t == "number" then return '{"n":"' .. jnum(x) .. '"}'
  elseif t == "boolean" then return tostring(x)
  elseif t == "nil" then return '{"z":1}'
  elseif t ~= "table" then error("macro returned a " .. t .. ", which cannot become code", 0) end
  local mt = getmetatable(x)
  if mt == SYM then return '{"s":' .. jstr(tostring(x[1])) .. pos(x) .. '}'
  elseif mt == VARG then return '{"v":1}'
  elseif mt == LIST or mt == SEQ then
    local parts = {}
    local n = #x
    if mt == LIST then
      for k in pairs(x) do if math.type(k) == "integer" and k > n then n = k end end
    end
    for i = 1, n do parts[i] = encode(x[i], depth + 1) end
    return '{"' .. (mt == LIST and "L" or "Q") .. '":[' .. table.concat(parts, ",") .. ']' .. pos(x) .. '}'
  else
    local parts = {}
    local n = #x
    for i = 1, n do parts[#parts + 1] = "[" .. i .. "," .. encode(x[i], depth + 1) .. "]" end
    local keys = {}
    for k in pairs(x) do
      if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
    end
    table.sort(keys, key_order)
    for _, k in ipairs(keys) do parts[#parts + 1] = "[" .. encode(k, depth + 1) .. "," .. encode(x[k], depth + 1) .. "]" end
    return '{"T":[' .. table.concat(parts, ",") .. ']}'
  end
end
F.encode = function(x) return encode(x, 0) end

function F.err(e)
  if type(e) == "table" and e.__fnl_compile_error then
    return '{"err":' .. jstr(e.__fnl_compile_error) .. (e.line and (',"l":' .. math.floor(e.line)) or "") .. '}'
  end
  return '{"err":' .. jstr(tostring(e)) .. ',"lua":true}'
end

-- Call macro ` + "`key`" + String.raw` with the given forms; result as JSON.
function F.call(key, ...)
  local m = F.macros[key]
  local ok, res = pcall(m, ...)
  if not ok then return F.err(res) end
  local ok2, json = pcall(encode, res, 0)
  if not ok2 then return F.err(json) end
  return json
end

-- Run compile-time code; errors come back as JSON too.
function F.run(f)
  local ok, res = pcall(f)
  if not ok then return F.err(res) end
  return res
end

local raw_print = print
print = function(...)
  local n = select("#", ...)
  local t = {}
  for i = 1, n do t[i] = tostring((select(i, ...))) end
  F.out[#F.out + 1] = table.concat(t, "\t") .. "\n"
end
F.raw_print = raw_print
function F.take_output()
  local s = table.concat(F.out)
  F.out = {}
  return s
end
`;

/**
 * Globals the compile-time VM does not have: macro code gets no door to the
 * host (files, processes, environment), as in the reference's compiler sandbox.
 */
export const COMPILER_SANDBOX_REMOVED = ["io", "os", "debug", "dofile", "loadfile", "package", "collectgarbage"];

/** Lua source run once when the compile-time VM starts. */
export function macroPrelude(): string {
  const aliases = HELPERS.map(([fennel, lua]) => `${mangleGlobal(fennel)} = ${lua}`).join("\n");
  // The chunk has a local unpack of its own; these are the globals macro code sees.
  const globals =
    `_G.unpack = table.unpack\n_G.pack = function(...) return {n = select("#", ...), ...} end\n` +
    `_SPECIALS = {}\nversion = ${JSON.stringify(FENNEL_VERSION)}\n`;
  const sandbox = COMPILER_SANDBOX_REMOVED.map((name) => `${name} = nil`).join("\n");
  return CORE + "\n" + aliases + "\n" + globals + "\n" + sandbox + "\n";
}
