// The trusted Lua of the pipeline VM, run by fennel-js before its pipeline
// profile removes debug and friends: defines `quire.ci` (with `ci.runtime`),
// `quire.runtime`, `quire.stdlib`, the `runtime` global, a `fennel` table of
// pure functions only, and `print`, and returns the entry points vm.ts calls.
// Host functions return {ok, value|error}; Lua raises at the caller's line.

/** Messages for what the pipeline profile removes (fennel-js raises them where code reads the name). */
export const REFUSALS = {
  globals: {
    io: "io is not available in pipelines; run commands with (sh ...) and use read-file / write-file for workspace files",
    debug: "debug is not available in pipelines",
    load: "load is not available in pipelines",
    dofile: "dofile is not available in pipelines; use (require :module) for .quire/lib/*.fnl",
    loadfile: "loadfile is not available in pipelines; use (require :module) for .quire/lib/*.fnl",
    package: "package is not available in pipelines; require finds quire.ci, quire.runtime, quire.stdlib, fennel and .quire/lib/*.fnl",
  },
  os: "os.%s is not available in pipelines: only os.time, os.date and os.clock are; run commands with (sh ...)",
};

export const SETUP_LUA = String.raw`
local host = ...
local getinfo = debug.getinfo
local co_running = coroutine.running
local type, error, tostring, pcall, select, setmetatable, rawget =
  type, error, tostring, pcall, select, setmetatable, rawget
local concat, pairs, ipairs = table.concat, pairs, ipairs

local ctx = setmetatable({}, { __mode = "k" })  -- running coroutine -> job id
local phase = "load"
local run_fns, outputs, ancestors = {}, {}, {}
local registered = 0
local push_outputs = nil

-- The nearest caller in pipeline code (a chunk compiled from Fennel, named
-- @file): tail calls and helpers in .quire/lib still point at a line the user wrote.
local function where()
  for l = 2, 24 do
    local info = getinfo(l, "Sl")
    if not info then break end
    if info.source:sub(1, 1) == "@" and info.currentline > 0 then
      return info.short_src, info.currentline
    end
  end
  return nil, -1
end

-- Raise at the nearest line of pipeline code above the primitive. Positions
-- are found by scanning, not by a fixed level: a primitive called in tail
-- position has no caller frame. Without one, the executor adds the job's.
local function raise(msg)
  local file, line = where()
  if file then error(file .. ":" .. line .. ": " .. msg, 0) end
  error(msg, 0)
end

local function current(name)
  local id = ctx[co_running()]
  if id == nil then
    raise(name .. ": can only be called inside a job's run-fn, e.g. (ci.job :build [:quire/push] (fn [{: "
      .. name .. "}] ...))")
  end
  return id
end

local function unwrap(r)
  if r.ok then return r.value end
  raise(r.error)
end

local function errtext(e)
  if type(e) == "string" then return e end
  local ok, s = pcall(tostring, e)
  if ok and type(s) == "string" then return s end
  return "error object of type " .. type(e)
end

local runtime = {}
runtime.sh = function(cmd, opts)
  local id = current("sh")
  return unwrap(host.sh(id, cmd, opts))
end
runtime.jobs = function(name)
  local id = current("jobs")
  if name == "quire/push" then return push_outputs end
  if type(name) ~= "string" then
    raise("jobs: expected a job id such as :build or :quire/push, got " .. type(name))
  end
  local anc = ancestors[id]
  if not (anc and anc[name]) then
    raise(("jobs: %q is not an ancestor of job %q; a job can read :quire/push and the jobs it depends on through its inputs"):format(name, id))
  end
  return outputs[name]
end
runtime.secret = function(name)
  local id = current("secret")
  return unwrap(host.secret(id, name))
end
runtime.env = function(name)
  local id = current("env")
  return unwrap(host.env(id, name))
end
runtime["read-file"] = function(path)
  local id = current("read-file")
  return unwrap(host.read_file(id, path))
end
runtime["read-json"] = function(path)
  local id = current("read-json")
  return unwrap(host.read_json(id, path))
end
runtime["write-file"] = function(path, content)
  local id = current("write-file")
  return unwrap(host.write_file(id, path, content))
end
runtime.log = function(...)
  local id = current("log")
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
  host.log(id, concat(parts, " "))
end
local primitives = "sh jobs secret env read-file read-json write-file log"
setmetatable(runtime, {
  __index = function(_, k)
    error(("runtime has no primitive %q; the primitives are: %s"):format(tostring(k), primitives), 2)
  end,
  __newindex = function() error("the runtime table is read-only", 2) end,
})

local ci = {}
ci.job = function(id, inputs, fn, opts, ...)
  if phase ~= "load" then raise("ci.job: jobs are registered while ci.fnl loads, not from inside a run-fn") end
  local file, line = where()
  registered = registered + 1
  run_fns[registered] = fn
  host.register(registered, id, inputs, type(fn), opts, select("#", ...), file, line)
end
ci.image = function(name)
  if phase ~= "load" then raise("ci.image: call it while ci.fnl loads, not from inside a run-fn") end
  local file, line = where()
  host.image(name, file, line)
end
ci.options = function(opts)
  if phase ~= "load" then raise("ci.options: call it while ci.fnl loads, not from inside a run-fn") end
  local file, line = where()
  host.options(opts, file, line)
end

-- Upstream quire's canonical way in: (. (require :quire.ci) :runtime).
ci.runtime = runtime

-- Upstream's quire.stdlib: a module of helpers for run-fns, empty there too.
local stdlib = {}

-- What pipelines may use of the Fennel module: pure functions on values and
-- strings. Nothing that reads files (dofile, search-module, searchers), loads
-- code (eval, load-code) or reaches the compiler.
local full_fennel = require("fennel")
local safe_fennel = {}
for _, name in ipairs({
  "view", "version", "runtime-version", "runtimeVersion",
  "sym", "sym?", "list", "list?", "sequence", "sequence?", "table?", "varg?",
  "comment", "comment?", "multi-sym?", "sym-char?", "mangle", "unmangle",
  "parser", "string-stream", "stringStream",
}) do
  safe_fennel[name] = full_fennel[name]
end

package.preload["quire.ci"] = function() return ci end
package.preload["quire.runtime"] = function() return runtime end
package.preload["quire.stdlib"] = function() return stdlib end
package.loaded.fennel = safe_fennel
package.preload.fennel = function() return safe_fennel end
fennel = safe_fennel
-- Before the Fennel searcher: a module file that leads outside the workspace
-- (through a symlink) is refused at the require that asked for it.
table.insert(package.searchers, 2, function(name)
  local r = host.check_module(name)
  if not r.ok then raise(r.error) end
  return nil
end)
print = function(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
  host.log(ctx[co_running()], concat(parts, "\t"))
end
_G.runtime = runtime

local internal = {}
internal.loaded = function()
  phase = "run"
end
internal.prepare = function(push, anc)
  push_outputs = push
  for id, list in pairs(anc) do
    local set = {}
    for _, name in ipairs(list) do set[name] = true end
    ancestors[id] = set
  end
end
internal.run_job = function(index, id)
  local fn = run_fns[index]
  local co = co_running()
  ctx[co] = id
  local ok, res = pcall(fn, runtime)
  ctx[co] = nil
  if not ok then return "error", errtext(res) end
  if type(res) == "table" and type(rawget(res, "exit")) == "number" and res.exit ~= 0 then
    local cmd = rawget(res, "cmd")
    return "exit", res.exit, type(cmd) == "string" and cmd or nil
  end
  outputs[id] = res
  return "ok"
end
return internal
`;
