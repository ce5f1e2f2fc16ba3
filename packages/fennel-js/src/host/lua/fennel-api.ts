// The public `fennel` module a program gets from (require :fennel): compile,
// eval, dofile, searchers, parser, metadata and docs, getinfo and traceback,
// view, repl. Compiling is the host's (host.compile, the TypeScript
// compiler); options travel as the Lua table they were given in. The
// compile-time helpers (fennel-compiler-env.ts) load on first use.

export const FENNEL_API_LUA = String.raw`
local fennel, utils, host, view, load_specials, load_repl = ...
local type, pairs, ipairs, select, tostring, error, assert, setmetatable, getmetatable, rawget =
  type, pairs, ipairs, select, tostring, error, assert, setmetatable, getmetatable, rawget
local concat, insert = table.concat, table.insert
local load = load

local specials_table
local function S()
  specials_table = specials_table or load_specials()
  return specials_table
end

fennel.version = utils.version
fennel.path = "./?.fnl;./?/init.fnl"
fennel["macro-path"] = "./?.fnlm;./?/init.fnlm;./?.fnl;./?/init-macros.fnl;./?/init.fnl"
fennel.view = view
utils.set_view(view)

for _, name in ipairs({"list", "sym", "sequence", "comment", "varg", "list?", "sym?", "sequence?",
                       "table?", "comment?", "varg?", "multi-sym?", "ast-source"}) do
  fennel[name] = utils[name]
end
fennel["runtime-version"] = utils["runtime-version"]

-- Tables the compile-time helpers share with the module; filled once they load.
fennel["macro-loaded"] = {}
fennel["macro-searchers"] = {
  function(...) return S()["fennel-macro-searcher"](...) end,
  function(...) return S()["lua-macro-searcher"](...) end,
}

-- Functions' docstrings and arglists, weakly keyed by the function.
fennel.metadata = setmetatable({}, {
  __mode = "k",
  __index = {
    get = function(self, f, key)
      local m = self[f]
      if m and key ~= nil then return m[key] end
      return m
    end,
    set = function(self, f, key, value)
      self[f] = self[f] or {}
      self[f][key] = value
    end,
    setall = function(self, f, ...)
      local m = self[f] or {}
      for i = 1, select("#", ...), 2 do
        local k, v = select(i, ...)
        m[k] = v
      end
      self[f] = m
      return f
    end,
  },
})

-- Byte iterators: over a string, or over chunks a function hands out.
fennel["string-stream"] = function(str, options)
  str = str:gsub("^#!", ";;")
  if options then options.source = str end
  local i = 0
  return function()
    i = i + 1
    return (str:byte(i))
  end
end

function fennel.granulate(getchunk)
  local c, i, done = "", 1, false
  return function(state)
    if done then return nil end
    if i <= #c then
      local b = c:byte(i)
      i = i + 1
      return b
    end
    local input = getchunk(state)
    if input then
      c, i = input, 2
      return input:byte(1)
    end
    done = true
  end, function() c = "" end
end

local function bytes_to_string(f)
  local out = {}
  for b in f do out[#out + 1] = string.char(b) end
  return concat(out)
end

-- Options the host reads; a missing table is an empty one.
local function options_or_empty(opts)
  if type(opts) == "table" then return opts end
  return {}
end

-- A compile with its options as utils.root.options, as compile-time code
-- and plugins expect to find them.
local function compile(input, options, kind)
  local opts = options_or_empty(options)
  local saved = utils.root.options
  utils.root.options = opts
  local pkg = rawget(_G, "package")
  local lua, err = host.compile(input, opts, kind, fennel.path, pkg and pkg.path)
  utils.root.options = saved
  if lua == nil then error(err, 0) end
  return lua, {}
end

fennel["compile-string"] = function(str, options)
  return compile(str, options, "string")
end

fennel["compile-stream"] = function(stream, options)
  return fennel["compile-string"](bytes_to_string(stream), options)
end

-- A byte stream, a file, or an AST (a string here is a string literal).
function fennel.compile(from, options)
  if type(from) == "function" then return fennel["compile-stream"](from, options) end
  if type(from) == "userdata" and from.read then
    return fennel["compile-string"](from:read("a"), options)
  end
  return compile(from, options, "ast")
end

-- Compile one AST in scope into parent (a chunk: a table of {leaf, ast}
-- lines), where opts says (nval, tail, target); returns its expressions.
function fennel.compile1(ast, scope, parent, opts)
  opts = opts or {}
  local options = utils.copy(utils.root.options or {})
  options.scope = scope or fennel.scope()
  local pkg = rawget(_G, "package")
  local position = {nval = opts.nval, tail = opts.tail, target = opts.target}
  local lua, exprs = host.compile1(ast, options, position, fennel.path, pkg and pkg.path)
  if lua == nil then error(exprs, 0) end
  if type(parent) == "table" then
    for line in lua:gmatch("[^\n]+") do table.insert(parent, {leaf = line, ast = ast}) end
  end
  for i, e in ipairs(exprs) do exprs[i] = utils.expr(e[1], e[2]) end
  return exprs
end

fennel["load-code"] = function(code, env, filename)
  return load(code, filename, "t", env or rawget(_G, "_ENV") or _G)
end

-- The globals code may use when it runs in env (or _G).
local function global_names(env)
  return S()["current-global-names"](env)
end

local function eval_env(opts)
  local env = opts.env
  if env == "_COMPILER" then
    local cenv = S()["make-compiler-env"](nil, nil, nil, opts)
    for k, v in pairs(opts["extra-env"] or {}) do cenv[k] = v end
    if opts.allowedGlobals == nil then opts.allowedGlobals = global_names(cenv) end
    opts["compile-time"] = true
    return S()["wrap-env"](cenv)
  end
  return env and S()["wrap-env"](env)
end

function fennel.eval(str, options, ...)
  local opts = utils.copy(options)
  if opts.allowedGlobals == nil and opts.env ~= "_COMPILER" then opts.allowedGlobals = global_names(opts.env) end
  if not opts.filename and not opts.source then opts.source = str end
  local env = eval_env(opts)
  local lua = fennel["compile-string"](str, opts)
  local chunk, err = load(lua, opts.filename and ("@" .. opts.filename) or str, "t", env or rawget(_G, "_ENV") or _G)
  if not chunk then error(err, 0) end
  return chunk(...)
end

function fennel.dofile(filename, options, ...)
  local opts = utils.copy(options)
  local source, err = host.read_file(filename)
  if not source then error(err, 0) end
  opts.filename = filename
  return fennel.eval(source, opts, ...)
end

-- require's searcher for Fennel modules along fennel.path (or options.path).
fennel["make-searcher"] = function(options)
  return function(name)
    local opts = utils.copy(utils.root.options)
    for k, v in pairs(options or {}) do opts[k] = v end
    opts["module-name"] = name
    local filename, tried = host.find_fennel(name, options and options.path or fennel.path)
    if filename then
      return function(...) return fennel.dofile(filename, opts, ...) end, filename
    end
    return tried
  end
end
fennel.searcher = fennel["make-searcher"]()

function fennel.install(options)
  insert(package.searchers or package.loaders, fennel["make-searcher"](options))
  return fennel
end

fennel["search-module"] = function(name, path)
  return host.find_fennel(name, path or fennel.path)
end

-- Global names are mangled to valid Lua; unmangled back.
local lua_keywords = utils["lua-keywords"]
function fennel.mangle(name)
  if name:match("^[%a_][%w_]*$") and not lua_keywords[name] then return name end
  return "__fnl_global__" .. name:gsub("[^%w]", function(ch) return ("_%02x"):format(ch:byte()) end)
end
function fennel.unmangle(name)
  local rest = name:match("^__fnl_global__(.*)$")
  if not rest then return name end
  return (rest:gsub("_[%da-f][%da-f]", function(h) return string.char(tonumber(h:sub(2), 16)) end))
end

fennel["sym-char?"] = function(b)
  if type(b) ~= "number" then b = b:byte() end
  return b > 32 and b ~= 40 and b ~= 41 and b ~= 91 and b ~= 93 and b ~= 123 and b ~= 125
    and b ~= 127 and b ~= 34 and b ~= 39 and b ~= 126 and b ~= 59 and b ~= 44 and b ~= 64 and b ~= 96
end

-- Forms read from text (or a byte iterator), one per call: true, form.
function fennel.parser(src, filename, options)
  if type(src) ~= "string" then src = bytes_to_string(src) end
  local opts = options_or_empty(options)
  local forms = host.parse(src, filename or "unknown", opts)
  local i = 0
  return function()
    i = i + 1
    if i == 1 and forms.warnings then
      local warn = opts.warn or utils.warn
      for _, w in ipairs(forms.warnings) do warn(w[1], nil, filename, w[2], w[3]) end
    end
    if i <= forms.n then return true, forms[i] end
    if forms.err and i == forms.n + 1 then
      -- A plugin's parse-error handler may take the error over (a non-nil result).
      if utils["hook-opts"]("parse-error", opts, forms.reason, filename, forms.line, forms.col, src,
                            utils.root.reset) == nil then
        error(forms.err, 0)
      end
    end
    return nil
  end
end

local function docstring(tgt)
  local d = fennel.metadata:get(tgt, "fnl/docstring") or "#<undocumented>"
  return (d:gsub("\n$", ""):gsub("\n", "\n  "))
end

-- The text ,doc shows: the call shape with its arglist, then the docstring.
function fennel.doc(tgt, name)
  assert(type(name) == "string", "name must be a string")
  if not tgt then return name .. " not found" end
  if utils["callable?"](tgt) then
    local arglist = fennel.metadata:get(tgt, "fnl/arglist") or {"#<unknown-arguments>"}
    local parts = {name}
    for _, a in ipairs(arglist) do parts[#parts + 1] = tostring(a) end
    return ("(%s)\n  %s"):format(concat(parts, " "), docstring(tgt))
  end
  return ("%s\n  %s"):format(name, docstring(tgt))
end

local debug_getinfo = debug and debug.getinfo
local debug_traceback = debug and debug.traceback

-- debug.getinfo with Fennel lines for functions compiled from Fennel.
-- A level in a coroutine counted without the prelude's wrappers (coroutine.yield
-- is one), which are no frames of the program.
local function program_level(thread, level)
  local actual, seen = 0, -1
  while true do
    local frame = debug_getinfo(thread, actual, "S")
    if not frame then return level end
    if frame.source ~= "=fennel-js.prelude" then seen = seen + 1 end
    if seen == level then return actual end
    actual = actual + 1
  end
end

function fennel.getinfo(thread_or_level, ...)
  if type(thread_or_level) == "number" then thread_or_level = thread_or_level + 1 end
  local info
  if debug_getinfo and type(thread_or_level) == "thread" and type((...)) == "number" then
    info = debug_getinfo(thread_or_level, program_level(thread_or_level, (...)), select(2, ...))
  else
    info = debug_getinfo and debug_getinfo(thread_or_level, ...)
  end
  if info and info.source and host.fennel_source(info.source) then
    for _, key in ipairs({"currentline", "linedefined", "lastlinedefined"}) do
      if info[key] and info[key] > 0 then info[key] = host.fennel_line(info.source, info[key]) end
    end
    if info.activelines then
      local lines = {}
      for l in pairs(info.activelines) do lines[host.fennel_line(info.source, l)] = true end
      info.activelines = lines
    end
    if info.what == "Lua" then info.what = "Fennel" end
  end
  return info
end

function fennel.traceback(msg, start)
  if type(msg) ~= "string" and msg ~= nil then return msg end
  if msg and (msg:find("^%g+:%d+:%d+: Compile error:") or msg:find("^%g+:%d+:%d+: Parse error:")) then
    return msg
  end
  if not debug_traceback then return msg end
  return host.map_positions(debug_traceback(msg, (start or 1) + 1))
end

function fennel.gensym(_scope, base)
  return host.gensym(base)
end

-- A fresh scope for compiles that should share their locals and macros.
function fennel.scope(parent)
  return S()["make-scope"](parent)
end

local deprecated = {["~="] = true, ["#"] = true, global = true, ["require-macros"] = true, ["pick-args"] = true}
local body_forms = {}
for n in ("when with-open collect icollect fcollect lambda λ macro match match-try case case-try accumulate faccumulate doto"):gmatch("%S+") do body_forms[n] = true end
local binding_forms = {}
for n in ("collect icollect fcollect each for let with-open accumulate faccumulate"):gmatch("%S+") do binding_forms[n] = true end
local define_forms = {}
for n in ("fn lambda λ var local macro macros global"):gmatch("%S+") do define_forms[n] = true end

-- Every name the language gives meaning to: specials, macros, globals.
function fennel.syntax()
  local out = {}
  local names = host.syntax_names()
  for _, k in ipairs(names.specials) do
    out[k] = {["special?"] = true, ["body-form?"] = names.bodies[k] or nil,
              ["binding-form?"] = binding_forms[k], ["define?"] = define_forms[k],
              ["deprecated?"] = deprecated[k]}
  end
  for _, k in ipairs(names.macros) do
    out[k] = {["macro?"] = true, ["body-form?"] = body_forms[k], ["binding-form?"] = binding_forms[k],
              ["define?"] = define_forms[k]}
  end
  for k, v in pairs(_G) do
    if type(v) == "function" then out[k] = {["global?"] = true, ["function?"] = true}
    elseif type(v) == "table" and type(k) == "string" and not k:find("^_") then
      for k2, v2 in pairs(v) do
        if type(v2) == "function" and type(k2) == "string" then
          out[k .. "." .. k2] = {["function?"] = true, ["global?"] = true}
        end
      end
      out[k] = {["global?"] = true}
    end
  end
  return out
end

fennel.repl = setmetatable({}, {__call = function(self, options)
  return load_repl()(self, options)
end})

fennel.compileString = fennel["compile-string"]
fennel.compileStream = fennel["compile-stream"]
fennel.loadCode = fennel["load-code"]
fennel.macroLoaded = fennel["macro-loaded"]
fennel.macroPath = fennel["macro-path"]
fennel.macroSearchers = fennel["macro-searchers"]
fennel.makeSearcher = fennel["make-searcher"]
fennel.make_searcher = fennel["make-searcher"]
fennel.runtimeVersion = fennel["runtime-version"]
fennel.searchModule = fennel["search-module"]
fennel.stringStream = fennel["string-stream"]

-- What the reference keeps in utils, for code built on its internal modules
-- (the compiler's own source, when fennel-js loads it).
utils.version = utils.version or fennel.version
utils.path = utils.path or fennel.path
utils["macro-path"] = utils["macro-path"] or fennel["macro-path"]

-- The module's parts a program may require by name, as the reference names them.
local modules = {
  fennel = function() return fennel end,
  ["fennel.utils"] = function() return utils end,
  ["fennel.view"] = function() return view end,
  ["fennel.specials"] = function()
    local s = S()
    s["make-searcher"] = s["make-searcher"] or fennel["make-searcher"]
    s.doc = s.doc or fennel.doc
    return s
  end,
  ["fennel.friend"] = function()
    return {["assert-compile"] = S()["assert-compile"], ["parse-error"] = S()["parse-error"]}
  end,
  ["fennel.compiler"] = function()
    return {metadata = fennel.metadata, traceback = fennel.traceback, getinfo = fennel.getinfo,
            compile = fennel.compile, ["compile-string"] = fennel["compile-string"],
            ["compile-stream"] = fennel["compile-stream"], gensym = fennel.gensym,
            assert = S()["assert-compile"], ["global-mangling"] = fennel.mangle,
            ["global-unmangling"] = fennel.unmangle, ["make-scope"] = fennel.scope,
            scopes = {global = S()["global-scope"], compiler = S()["compiler-scope"]}}
  end,
  ["fennel.parser"] = function()
    return {parser = fennel.parser, ["string-stream"] = fennel["string-stream"],
            granulate = fennel.granulate, ["sym-char?"] = fennel["sym-char?"]}
  end,
  ["fennel.repl"] = function() return fennel.repl end,
}

return fennel, modules
`;
