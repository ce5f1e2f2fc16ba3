// The AST types every Fennel VM shares (lists, symbols, sequences, varargs,
// comments: tables with marker metatables, as the reference represents
// them), their constructors and predicates, and the table helpers the rest
// of the fennel module builds on. Loaded first; returns the `utils` table.

export const FENNEL_UTILS_LUA = String.raw`
local version = ...
local utils = {version = version}
local type, pairs, ipairs, next, select, tostring, getmetatable, setmetatable, rawget =
  type, pairs, ipairs, next, select, tostring, getmetatable, setmetatable, rawget
local unpack, pack, concat, sort, insert = table.unpack, table.pack, table.concat, table.sort, table.insert
utils.unpack, utils.pack = unpack, pack

-- The largest positive integer key: the length of a table that may hold nils.
local function maxn(t)
  local n = 0
  for k in pairs(t) do
    if math.type(k) == "integer" and k > n then n = k end
  end
  return n
end
utils.maxn = maxn

-- Keys of different types sort numbers, booleans, strings, tables, then the rest.
local kv_rank = {number = 1, boolean = 2, string = 3, table = 4}
local function kv_less(a, b)
  local ta, tb = type(a), type(b)
  if ta == tb and (ta == "number" or ta == "string") then return a < b end
  if ta ~= tb then return (kv_rank[ta] or 5) < (kv_rank[tb] or 5) end
  return tostring(a) < tostring(b)
end
utils["kv-compare"] = kv_less

-- pairs in a stable order: the keys a parsed table had, in source order, then
-- the rest sorted.
function utils.stablepairs(t)
  local order, seen = {}, {}
  local mt = getmetatable(t)
  local given = type(mt) == "table" and rawget(mt, "keys")
  if type(given) == "table" then
    for _, k in ipairs(given) do
      if not seen[k] and t[k] ~= nil then
        seen[k] = true
        order[#order + 1] = k
      end
    end
  end
  local rest = {}
  for k in pairs(t) do
    if not seen[k] then rest[#rest + 1] = k end
  end
  sort(rest, kv_less)
  for _, k in ipairs(rest) do order[#order + 1] = k end
  local i = 0
  return function()
    i = i + 1
    local k = order[i]
    if k ~= nil then return k, t[k] end
  end, t, nil
end

function utils.copy(from, to)
  to = to or {}
  for k, v in pairs(from or {}) do to[k] = v end
  return to
end

utils["member?"] = function(x, t, i)
  for j = i or 1, #t do
    if t[j] == x then return true end
  end
  return nil
end

utils["every?"] = function(t, pred)
  for _, v in ipairs(t) do
    if not pred(v) then return false end
  end
  return true
end

utils["get-in"] = function(t, path)
  if path[1] == nil then return nil end
  for _, k in ipairs(path) do
    if type(t) ~= "table" then return nil end
    t = t[k]
  end
  return t
end

-- pairs that also walks the tables an __index chain leads to, each key once.
function utils.allpairs(t)
  assert(type(t) == "table", "allpairs expects a table")
  local seen, current = {}, t
  local function step(_, k)
    local nk, v = next(current, k)
    while nk ~= nil and seen[nk] do nk, v = next(current, nk) end
    if nk ~= nil then
      seen[nk] = true
      return nk, v
    end
    local mt = getmetatable(current)
    if type(mt) == "table" and type(mt.__index) == "table" then
      current = mt.__index
      return step(nil, nil)
    end
    return nil
  end
  return step
end

local function name_of(self) return self[1] end

local function sym_eq(a, b)
  return a[1] == b[1] and getmetatable(a) == getmetatable(b)
end
local function sym_lt(a, b) return a[1] < tostring(b) end

local view -- set once the view loads (utils.set_view)
local function list_text(self, view2, options, indent)
  local parts = {}
  for i = 1, maxn(self) do
    if view2 then parts[i] = view2(self[i], options, indent)
    else parts[i] = view(self[i]) end
  end
  return "(" .. concat(parts, " ") .. ")"
end

local SYMBOL = {"SYMBOL", __fennelview = name_of, __tostring = name_of, __eq = sym_eq, __lt = sym_lt}
local LIST = {"LIST", __fennelview = list_text, __tostring = list_text}
local EXPR = {"EXPR", __tostring = function(x) return tostring(x[1]) end}
local COMMENT = {"COMMENT", __fennelview = function(c) return c end, __tostring = name_of,
                 __eq = sym_eq, __lt = sym_lt}
local SEQUENCE = {"SEQUENCE"}
local VARG = {"VARARG", __fennelview = name_of, __tostring = name_of}
utils["list-mt"], utils["symbol-mt"], utils["varg-mt"], utils["comment-mt"], utils["expr-mt"] =
  LIST, SYMBOL, VARG, COMMENT, EXPR
utils["sequence-marker"] = SEQUENCE

function utils.set_view(v) view = v end

function utils.list(...)
  return setmetatable({...}, LIST)
end

-- Source fields (filename, line, col, byte offsets) copied from a table.
local function with_source(t, source)
  if type(source) == "table" then
    for k, v in pairs(source) do
      if type(k) == "string" then t[k] = v end
    end
  end
  return t
end

function utils.sym(name, source)
  assert(type(name) == "string",
    "sym expects a string as the first argument, received " .. type(name))
  return setmetatable(with_source({name}, source), SYMBOL)
end

local function sequence_view(seq, view2, inspector, indent)
  inspector["empty-as-sequence?"] = {once = true, after = inspector["empty-as-sequence?"]}
  inspector["metamethod?"] = {once = false, after = inspector["metamethod?"]}
  return view2(seq, inspector, indent)
end
utils["sequence-view"] = sequence_view

function utils.sequence(...)
  return setmetatable({...}, {sequence = SEQUENCE, __fennelview = sequence_view})
end

function utils.expr(code, etype)
  return setmetatable({code, type = etype}, EXPR)
end

function utils.comment(text, source)
  source = type(source) == "table" and source or {}
  return setmetatable({text, filename = source.filename, line = source.line}, COMMENT)
end

function utils.varg(source)
  return setmetatable(with_source({"..."}, source), VARG)
end

utils["expr?"] = function(x) return type(x) == "table" and getmetatable(x) == EXPR and x end
utils["varg?"] = function(x) return type(x) == "table" and getmetatable(x) == VARG and x end
utils["list?"] = function(x) return type(x) == "table" and getmetatable(x) == LIST and x end
utils["sym?"] = function(x, name)
  return type(x) == "table" and getmetatable(x) == SYMBOL and (name == nil or x[1] == name) and x
end
utils["sequence?"] = function(x)
  local mt = type(x) == "table" and getmetatable(x)
  return mt and rawget(mt, "sequence") == SEQUENCE and x
end
utils["comment?"] = function(x) return type(x) == "table" and getmetatable(x) == COMMENT and x end
utils["table?"] = function(x)
  if type(x) ~= "table" then return false end
  local mt = getmetatable(x)
  return mt ~= VARG and mt ~= LIST and mt ~= SYMBOL and mt ~= COMMENT and x
end
utils["kv-table?"] = function(t)
  if not utils["table?"](t) then return nil end
  local n = #t
  return next(t, n > 0 and n or nil) ~= nil and t
end
utils["string?"] = function(x) return type(x) == "string" and x or false end
utils["callable?"] = function(x)
  if type(x) == "function" then return x end
  local mt = getmetatable(x)
  return type(mt) == "table" and mt.__call and x
end

-- The parts of tbl.x.y or obj:method (method calls flagged), else false.
utils["multi-sym?"] = function(s)
  if utils["sym?"](s) then s = tostring(s) end
  if type(s) ~= "string" then return false end
  if not (s:find("[.:]")) then return nil end
  if s:find("%.%.") then return false end
  local first, last = s:byte(1), s:byte(-1)
  if first == 46 or first == 58 or last == 46 or last == 58 then return false end
  local parts = {}
  for part in s:gmatch("[^.:]+[.:]?") do
    local ending = part:sub(-1)
    if ending == ":" then parts["multi-sym-method-call"] = true end
    if ending == ":" or ending == "." then part = part:sub(1, -2) end
    parts[#parts + 1] = part
  end
  return next(parts) ~= nil and parts
end

utils["call-of?"] = function(ast, callee)
  return utils["list?"](ast) and utils["sym?"](ast[1], callee)
end

utils["quoted?"] = function(s) return s.quoted end

utils["idempotent-expr?"] = function(x)
  local t = type(x)
  return t == "string" or t == "number" or t == "boolean"
    or (utils["sym?"](x) and not utils["multi-sym?"](x))
end

utils["walk-tree"] = function(root, f, iter)
  iter = iter or pairs
  local function walk(parent, idx, node)
    if f(idx, node, parent) and not utils["sym?"](node) then
      for k, v in iter(node) do walk(node, k, v) end
    end
  end
  walk(nil, nil, root)
  return root
end

-- Where an AST node came from: sequences and tables keep it in their metatable.
utils["ast-source"] = function(ast)
  if utils["table?"](ast) or utils["sequence?"](ast) then return getmetatable(ast) or {} end
  if type(ast) == "table" then return ast end
  return {}
end

local lua_keywords = {}
for kw in ("and break do else elseif end false for function goto if in local nil not or repeat return then true until while"):gmatch("%S+") do
  lua_keywords[kw] = true
end
utils["lua-keywords"] = lua_keywords
utils["lua-keyword?"] = function(s)
  local opts = utils.root.options
  return lua_keywords[s] or (type(opts) == "table" and type(opts.keywords) == "table" and opts.keywords[s]) or nil
end
utils["valid-lua-identifier?"] = function(s)
  return s:match("^[%a_][%w_]*$") ~= nil and not utils["lua-keyword?"](s)
end

-- The compile in progress, as plugins and compiler-env code see it.
utils.root = {options = nil, scope = nil, chunk = nil, reset = function() end}
utils.root["set-reset"] = function(saved)
  local chunk, scope, options, reset = saved.chunk, saved.scope, saved.options, saved.reset
  utils.root.reset = function()
    utils.root.chunk, utils.root.scope, utils.root.options, utils.root.reset = chunk, scope, options, reset
  end
end

local propagated = {"allowedGlobals", "indent", "correlate", "useMetadata", "env", "compiler-env", "compilerEnv"}
utils["propagate-options"] = function(options, sub)
  for _, name in ipairs(propagated) do sub[name] = options[name] end
  return sub
end

local getenv = os and os.getenv or function() return nil end
utils["debug-on?"] = function(flag)
  local v = getenv("FENNEL_DEBUG")
  if flag == nil then return v ~= nil end
  return v and v:find(flag)
end

function utils.warn(msg, ast, filename, line, col)
  local opts = utils.root.options
  local w = type(opts) == "table" and opts.warn
  if w then return w(msg, ast, filename, line, col) end
  local io_ = rawget(_G, "io")
  if io_ and io_.stderr then
    local src = utils["ast-source"](ast)
    local loc = ""
    if src.filename and src.line and src.col then loc = src.filename .. ":" .. src.line .. ":" .. src.col .. ": "
    elseif filename and line and col then loc = filename .. ":" .. line .. ":" .. col .. ": " end
    io_.stderr:write(("--WARNING: %s%s\n"):format(loc, msg))
  end
end

local warned = setmetatable({}, {__mode = "k"})
local function check_plugin_version(plugin)
  local versions, bare = plugin.versions, (version:gsub("-dev", ""))
  local ok = type(versions) == "table" and utils["member?"](bare, versions)
    or type(versions) == "string" and version:find(versions)
  if not ok and not warned[plugin] then
    warned[plugin] = true
    utils.warn(("plugin %s does not support Fennel version %s"):format(plugin.name or "unknown", version))
  end
end

-- Call each plugin's handler for event; the first non-nil result wins.
utils["hook-opts"] = function(event, options, ...)
  local plugins = type(options) == "table" and options.plugins
    or type(utils.root.options) == "table" and utils.root.options.plugins
  if not plugins then return nil end
  for _, plugin in ipairs(plugins) do
    check_plugin_version(plugin)
    local f = plugin[event]
    if f then
      local r = f(...)
      if r ~= nil then return r end
    end
  end
  return nil
end
function utils.hook(event, ...) return utils["hook-opts"](event, utils.root.options, ...) end

utils["runtime-version"] = function(as_table)
  local lua = "PUC " .. _VERSION
  if as_table then return {fennel = version, lua = lua} end
  return "Fennel " .. version .. " on " .. lua
end

local utf8_ok, utf8_ = pcall(require, "utf8")
utils.len = utf8_ok and type(utf8_) == "table" and utf8_.len or string.len

return utils
`;
