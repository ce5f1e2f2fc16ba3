// Lua run once in every VM before any user code: the wrapper that lets host
// functions be awaited, coroutine functions that pass those waits upward,
// a byte-exact `print`, the module searchers and the `fennel` module.
// JavaScript passes in its primitives (`host`) and keeps what this returns.

export const PRELUDE_LUA = String.raw`
local host, AWAIT, FENNEL_VERSION = ...
local pack, unpack, concat = table.pack, table.unpack, table.concat
local select, error, type, tostring, pairs, setmetatable, getmetatable, rawget =
  select, error, type, tostring, pairs, setmetatable, getmetatable, rawget
local co_create, co_resume, co_yield, co_status, co_isyieldable, co_close =
  coroutine.create, coroutine.resume, coroutine.yield, coroutine.status,
  coroutine.isyieldable, coroutine.close
local collect, cancel, out = host.collect, host.cancel, host.out

local C_BOUNDARY = "%s: cannot wait for this host call here: it was called from a "
  .. "function that Lua's C code is running (a table.sort comparator, a string.gsub "
  .. "replacement function, a metamethod such as __gc or __close, or a Lua function "
  .. "that JavaScript called synchronously), where Lua cannot yield (attempt to yield "
  .. "across a C-call boundary). Call it outside that callback and use its result "
  .. "inside (from JavaScript, use callAsync)."

-- Host functions answer (0, values...) when done, (2, message) on error and
-- (1, id) when JavaScript is still working: then this thread yields the id to
-- the runner, which resumes it once the promise settles.
local function wrap_host(name, raw)
  return function(...)
    local r = pack(raw(...))
    while true do
      local status = r[1]
      if status == 0 then return unpack(r, 2, r.n) end
      if status == 2 then error(r[2], 2) end
      if not co_isyieldable() then
        cancel(r[2])
        error(C_BOUNDARY:format(name), 2)
      end
      co_yield(AWAIT, r[2])
      r = pack(collect(r[2]))
    end
  end
end

-- A coroutine that waits on the host passes the wait to whoever runs it,
-- then carries on, so user coroutines stay transparent to async host calls.
local function forward(c, ok, ...)
  if ok and select("#", ...) == 2 and (...) == AWAIT and co_status(c) == "suspended" then
    if not co_isyieldable() then
      error(C_BOUNDARY:format("coroutine"), 0)
    end
    co_yield(AWAIT, (select(2, ...)))
    return forward(c, co_resume(c))
  end
  return ok, ...
end

-- Entry points run on their own threads, but to the program each is the
-- main thread: not yieldable, and "running" says so.
local co_running = coroutine.running
local entries = setmetatable({}, {__mode = "k"})
local function run_entry(f, ...)
  entries[co_running()] = true
  return f(...)
end

coroutine.running = function()
  local c, main = co_running()
  if entries[c] then return c, true end
  return c, main
end

coroutine.isyieldable = function(c)
  c = c or co_running()
  if entries[c] then return false end
  return co_isyieldable(c)
end

coroutine.yield = function(...)
  if entries[co_running()] then error("attempt to yield from outside a coroutine", 2) end
  return co_yield(...)
end

coroutine.resume = function(c, ...)
  return forward(c, co_resume(c, ...))
end

local function wrap_result(c, ok, ...)
  if ok then return ... end
  local err = ...
  if co_close then co_close(c) end
  if type(err) == "string" then error(err, 2) end
  error(err, 0)
end

coroutine.wrap = function(f)
  local c = co_create(f)
  return function(...)
    return wrap_result(c, forward(c, co_resume(c, ...)))
  end
end

print = function(...)
  local n = select("#", ...)
  if n == 1 then
    out(tostring((...)) .. "\n")
    return
  end
  local parts = {...}
  for i = 1, n do parts[i] = tostring(parts[i]) end
  out(concat(parts, "\t", 1, n) .. "\n")
end

-- Globals present now, by their Fennel names: a global that Fennel stored
-- mangled (__fnl_global__foo_2dbar) is allowed as foo-bar.
local extra_names -- while fennel.eval compiles with :env, that table's names count too
local function global_names()
  local names = {}
  for k in pairs(extra_names or {}) do
    if type(k) == "string" then names[#names + 1] = k end
  end
  for k in pairs(_G) do
    if type(k) == "string" then
      names[#names + 1] = k
      local rest = k:match("^__fnl_global__(.*)$")
      if rest then
        names[#names + 1] = (rest:gsub("_(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
      end
    end
  end
  return concat(names, "\n")
end

-- The fennel module, as far as a program running on this host needs it.
local fennel = {
  version = FENNEL_VERSION,
  path = "./?.fnl;./?/init.fnl",
  ["macro-path"] = "./?.fnl;./?/init-macros.fnl;./?/init.fnl",
  view = host.view,
}
fennel.macroPath = fennel["macro-path"]
fennel["runtime-version"] = function()
  return "Fennel " .. FENNEL_VERSION .. " on PUC " .. _VERSION
end
fennel.runtimeVersion = fennel["runtime-version"]

local function filename_of(opts)
  return type(opts) == "table" and opts.filename or nil
end

fennel["compile-string"] = function(src, opts)
  local lua, err = host.compile(src, filename_of(opts))
  if not lua then error(err, 0) end
  -- As the reference: the Lua text without a final newline, then a source map.
  return (lua:gsub("\n$", "")), {}
end
fennel.compileString = fennel["compile-string"]
fennel.compile = fennel["compile-string"]

fennel.eval = function(src, opts, ...)
  local env = type(opts) == "table" and type(opts.env) == "table" and opts.env or nil
  extra_names = env
  local f, err = host.load_fennel_string(src, filename_of(opts) or "unknown")
  extra_names = nil
  if not f then error(err, 0) end
  -- :env replaces the chunk's globals (its first upvalue is _ENV).
  if type(opts) == "table" and type(opts.env) == "table" and debug and debug.setupvalue then
    debug.setupvalue(f, 1, opts.env)
  end
  return f(...)
end

-- Programs run without metadata (as the reference CLI runs them), so every
-- function reads as undocumented with unknown arguments.
fennel.doc = function(tgt, name)
  assert(type(name) == "string", "name must be a string")
  if not tgt then return name .. " not found" end
  local mt = getmetatable(tgt)
  if type(tgt) == "function" or (type(mt) == "table" and type(mt.__call) == "function") then
    return "(" .. name .. " #<unknown-arguments>)\n  #<undocumented>"
  end
  return name .. "\n  #<undocumented>"
end

local lua_keywords = {}
for kw in ("and break do else elseif end false for function goto if in local nil not or repeat return then true until while"):gmatch("%S+") do
  lua_keywords[kw] = true
end
fennel.mangle = function(name)
  if name:match("^[%a_][%w_]*$") and not lua_keywords[name] then return name end
  return "__fnl_global__" .. name:gsub("[^%w]", function(ch) return string.format("_%02x", ch:byte()) end)
end
fennel.unmangle = function(name)
  local rest = name:match("^__fnl_global__(.*)$")
  if not rest then return name end
  return (rest:gsub("_[%da-f][%da-f]", function(h) return string.char(tonumber(h:sub(2), 16)) end))
end

fennel.dofile = function(filename, opts, ...)
  local f, err = host.load_fennel_file(filename)
  if not f then error(err, 0) end
  return f(...)
end

local debug_traceback = debug and debug.traceback
fennel.traceback = function(msg, start)
  if type(msg) ~= "string" and msg ~= nil then return msg end
  if not debug_traceback then return msg end
  return host.map_positions(debug_traceback(msg, (start or 1) + 1))
end

local SYMBOL = {__name = "symbol"}
SYMBOL.__tostring = function(s) return s[1] end
SYMBOL.__fennelview = function(s) return s[1] end
local LIST = {__name = "list"}
local SEQUENCE = {__name = "sequence"}
LIST.__fennelview = function(l, view, options, indent)
  local parts = {}
  for i = 1, #l do parts[i] = view(l[i], options, indent + 1) end
  return "(" .. concat(parts, " ") .. ")"
end
LIST.__tostring = function(l)
  local parts = {}
  for i = 1, #l do parts[i] = fennel.view(l[i]) end
  return "(" .. concat(parts, " ") .. ")"
end
fennel.sym = function(name) return setmetatable({name}, SYMBOL) end
fennel.list = function(...) return setmetatable(pack(...), LIST) end
fennel.sequence = function(...) return setmetatable({...}, SEQUENCE) end
fennel["sym?"] = function(x) return getmetatable(x) == SYMBOL and x or false end
fennel["list?"] = function(x) return getmetatable(x) == LIST and x or false end
fennel["sequence?"] = function(x) return getmetatable(x) == SEQUENCE and x or false end
fennel["table?"] = function(x)
  local mt = getmetatable(x)
  return type(x) == "table" and mt ~= SYMBOL and mt ~= LIST and mt ~= SEQUENCE and x or false
end

local VARG = {__name = "varg"}
VARG.__tostring = function() return "..." end
VARG.__fennelview = VARG.__tostring
fennel.varg = function() return setmetatable({"..."}, VARG) end
fennel["varg?"] = function(x) return getmetatable(x) == VARG and x or false end
local COMMENT = {__name = "comment"}
COMMENT.__tostring = function(c) return c[1] end
COMMENT.__fennelview = COMMENT.__tostring
fennel.comment = function(text) return setmetatable({text}, COMMENT) end
fennel["comment?"] = function(x) return getmetatable(x) == COMMENT and x or false end
fennel["multi-sym?"] = function(s)
  if getmetatable(s) == SYMBOL then s = s[1] end
  if type(s) ~= "string" then return false end
  local parts = {}
  for part in s:gmatch("[^%.:]+[%.:]?") do
    local last = part:sub(-1)
    if last == ":" then parts["multi-sym-method-call"] = true end
    if last == ":" or last == "." then part = part:sub(1, -2) end
    parts[#parts + 1] = part
  end
  return #parts > 0 and (s:match("%.") or s:match(":")) and not s:match("%.%.")
    and s:byte() ~= 46 and s:byte(-1) ~= 46 and parts
end
fennel["ast-source"] = function(ast)
  if type(ast) == "table" and getmetatable(ast) ~= SYMBOL then return ast end
  return {}
end
fennel["sym-char?"] = function(b)
  if type(b) ~= "number" then b = b:byte() end
  return 32 < b and b ~= 40 and b ~= 41 and b ~= 91 and b ~= 93 and b ~= 123 and b ~= 125
    and b ~= 127 and b ~= 34 and b ~= 39 and b ~= 126 and b ~= 59 and b ~= 44 and b ~= 64 and b ~= 96
end
fennel["string-stream"] = function(str)
  local text, i = (str:gsub("^#!", ";;")), 0
  return function()
    i = i + 1
    return (text:byte(i))
  end
end
fennel.stringStream = fennel["string-stream"]
fennel["load-code"] = function(code, env, filename)
  return load(code, filename, "t", env or _ENV)
end
fennel.loadCode = fennel["load-code"]
fennel["macro-loaded"] = {}
fennel.macroLoaded = fennel["macro-loaded"]
fennel["search-module"] = function(name, path)
  return host.find_fennel(name, path or fennel.path)
end
fennel.searchModule = fennel["search-module"]

local load_chunk = load
local form_builders = {
  L = function(line, col, ...) return setmetatable({line = line, col = col, ...}, LIST) end,
  S = function(name, line, col) return setmetatable({name, line = line, col = col}, SYMBOL) end,
  Q = function(...) return setmetatable({...}, SEQUENCE) end,
  V = fennel.varg,
}
-- Forms read from a string (or a byte iterator such as string-stream's), one per step.
fennel.parser = function(src, filename)
  if type(src) ~= "string" then
    local bytes = {}
    for b in src do bytes[#bytes + 1] = string.char(b) end
    src = concat(bytes)
  end
  local code, err = host.parse(src, filename or "unknown")
  if not code then error(err, 0) end
  local forms = load_chunk(code, "=parser", "t", {})()(form_builders)
  local i = 0
  return function()
    i = i + 1
    if i <= forms.n then return true, forms[i] end
    return nil
  end
end

local function fennel_searcher(name)
  local path, msg = host.find_fennel(name, fennel.path)
  if not path then return msg end
  local chunk, err = host.load_fennel_file(path)
  if not chunk then error(err, 0) end
  return chunk, path
end

local function lua_searcher(name)
  local path, msg = host.find_lua(name, package.path)
  if not path then return msg end
  local chunk, err = host.load_lua_file(path)
  if not chunk then
    error(("error loading module '%s' from file '%s':\n\t%s"):format(name, path, err), 0)
  end
  return chunk, path
end

fennel.searcher = fennel_searcher
fennel["make-searcher"] = function() return fennel_searcher end
fennel.makeSearcher = fennel["make-searcher"]
fennel.install = function() return fennel end

local preload_searcher = package.searchers[1]
package.searchers = {preload_searcher, fennel_searcher}
if host.find_lua then package.searchers[3] = lua_searcher end
package.cpath = ""
package.loadlib = nil
package.preload.fennel = function() return fennel end

local function print_values(f, ...)
  print(f(...))
end

local function view_values(f, ...)
  local r = pack(f(...))
  if r.n == 0 then return end
  local parts = {}
  for i = 1, r.n do parts[i] = fennel.view(r[i]) end
  out(concat(parts, "\t") .. "\n")
end

return {wrap_host = wrap_host, run_entry = run_entry, global_names = global_names, fennel = fennel,
        print_values = print_values, view_values = view_values}
`;
