// Lua run once in every VM before any user code: the wrapper that lets host
// functions be awaited, coroutine functions that pass those waits upward,
// catch points that cannot catch the memory limit, a byte-exact `print`, and
// the module searchers (the `fennel` module itself is fennel-api.ts).
// JavaScript passes in its primitives (`host`), the fennel module and the
// loaders of its internal modules, and keeps what this returns.

export const PRELUDE_LUA = String.raw`
local host, AWAIT, fennel, modules = ...
local pack, unpack, concat = table.pack, table.unpack, table.concat
local select, error, type, tostring, pairs, setmetatable, getmetatable, rawget =
  select, error, type, tostring, pairs, setmetatable, getmetatable, rawget
local co_create, co_resume, co_yield, co_status, co_isyieldable, co_close =
  coroutine.create, coroutine.resume, coroutine.yield, coroutine.status,
  coroutine.isyieldable, coroutine.close
local collect, cancel, out = host.collect, host.cancel, host.out
local memory_exceeded, memory_in = host.memory_exceeded, host.memory_in

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

-- Past the VM's memory limit no Lua code may catch the error and carry on:
-- once the VM has a limit, each place that catches errors raises it again,
-- up to the run's thread, whose runner reports the limit (at the line where
-- the coroutine c stopped, when it stopped there).
local function uncaught_memory(c, ok, ...)
  if ok or not memory_exceeded() then return ok, ... end
  if c then memory_in(c) end
  error((...), 0)
end

local guarded = false
local function guard_catches()
  if guarded then return end
  guarded = true
  local raw_pcall, raw_xpcall, resume = pcall, xpcall, coroutine.resume
  pcall = function(...)
    return uncaught_memory(nil, raw_pcall(...))
  end
  xpcall = function(...)
    return uncaught_memory(nil, raw_xpcall(...))
  end
  coroutine.resume = function(c, ...)
    return uncaught_memory(c, resume(c, ...))
  end
end

local function wrap_result(c, ok, ...)
  if ok then return ... end
  local err = ...
  -- Closing it forgets where it stopped: the memory limit is reported there.
  if memory_exceeded() then memory_in(c) end
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
local function global_names()
  local names = {}
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

local function lua_searcher(name)
  local path, msg = host.find_lua(name, package.path)
  if not path then return msg end
  local chunk, err = host.load_lua_file(path)
  if not chunk then
    error(("error loading module '%s' from file '%s':\n\t%s"):format(name, path, err), 0)
  end
  return chunk, path
end

local preload_searcher = package.searchers[1]
package.searchers = {preload_searcher, fennel.searcher}
if host.find_lua then package.searchers[3] = lua_searcher end
package.cpath = ""
package.loadlib = nil
for name, module in pairs(modules) do package.preload[name] = module end

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

return {wrap_host = wrap_host, run_entry = run_entry, global_names = global_names,
        print_values = print_values, view_values = view_values, guard_catches = guard_catches}
`;
