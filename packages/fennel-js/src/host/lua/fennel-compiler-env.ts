// The compiler environment macro code runs in: a fresh table per macro
// definition or eval-compiler, holding the AST helpers and _SPECIALS, backed
// by a sandbox of safe globals (or the compilerEnv option), with require
// going through macro-loaded and the macro searchers. Loaded after the utils;
// returns the `specials` table of compile-time helpers. `privileged` holds what
// the profile may have removed from the program (load, debug.traceback).

export const FENNEL_COMPILER_ENV_LUA = String.raw`
local utils, host, fennel, privileged = ...
local specials = {}
local type, pairs, ipairs, next, tostring, getmetatable, setmetatable, rawget, assert, error, select =
  type, pairs, ipairs, next, tostring, getmetatable, setmetatable, rawget, assert, error, select
-- Taken before a profile removed them from the program's globals.
local load, traceback = privileged.load, privileged.traceback

-- Macro modules once loaded, by module name; what require gives macro code.
local macro_loaded = fennel["macro-loaded"]
specials["macro-loaded"] = macro_loaded

-- The special forms, by name; functions callable from compile-time code.
specials.SPECIALS = {}

specials["load-code"] = function(code, env, filename)
  env = env or rawget(_G, "_ENV") or _G
  return load(code, filename, "t", env)
end

local function safe_getmetatable(t)
  local mt = getmetatable(t)
  assert(mt ~= getmetatable(""), "Illegal metatable access!")
  return mt
end

-- Reading files by relative path only; nothing written, nothing outside.
local function safe_open(filename, mode)
  assert(mode == nil or mode:find("^r"), "unsafe file mode: " .. tostring(mode))
  assert(not (filename:find("^/") or filename:find("%.%.")), "unsafe file name: " .. filename)
  local io_ = rawget(_G, "io")
  if not io_ then return nil, filename .. ": No such file or directory" end
  return io_.open(filename, mode)
end

local safe_require

local function safe_env()
  local u = rawget(_G, "utf8")
  return {
    table = utils.copy(table), math = utils.copy(math), string = utils.copy(string),
    pairs = utils.stablepairs, io = {open = safe_open},
    ipairs = ipairs, select = select, tostring = tostring, tonumber = tonumber,
    bit = rawget(_G, "bit"), pcall = pcall, xpcall = xpcall, next = next, print = print,
    type = type, assert = assert, error = error, setmetatable = setmetatable,
    getmetatable = safe_getmetatable, require = safe_require,
    rawlen = rawget(_G, "rawlen"), rawget = rawget, rawset = rawset, rawequal = rawequal,
    _VERSION = _VERSION, utf8 = u and utils.copy(u) or nil,
  }
end
specials["safe-compiler-env"] = safe_env

local function combined_pairs(env)
  local all = {}
  local index = getmetatable(env).__index
  if type(index) == "table" then
    for k, v in pairs(index) do all[k] = v end
  end
  for k, v in next, env, nil do all[k] = v end
  return next, all, nil
end

local function root_options()
  local o = utils.root.options
  return type(o) == "table" and o or {}
end

local function fennel_module_name()
  return root_options().moduleName or "fennel"
end
specials["fennel-module-name"] = fennel_module_name

-- The assert-compile of macro code: an error the compiler reports at the form.
local function assert_compile(cond, msg, ast, ...)
  if cond then return cond, msg, ast, ... end
  local handled = utils.hook("assert-compile", cond, msg, ast, utils.root.reset)
  if handled ~= nil then return handled end
  error(setmetatable({message = tostring(msg), ast = ast}, specials["compile-error-mt"]), 0)
end
specials["compile-error-mt"] = {__tostring = function(e) return e.message end}
specials["assert-compile"] = assert_compile

local function in_macro(what, ast)
  assert_compile(host.ct_active(), "must call from macro", ast)
end

specials["make-compiler-env"] = function(ast, scope, parent, opts)
  opts = opts or root_options()
  local provided
  if opts["compiler-env"] == "strict" then provided = safe_env()
  elseif opts.compilerEnv then provided = opts.compilerEnv
  elseif opts["compiler-env"] then provided = opts["compiler-env"]
  elseif opts["extra-compiler-env"] then
    provided = safe_env()
    for k, v in pairs(opts["extra-compiler-env"]) do provided[k] = v end
  else provided = safe_env() end
  local env = {
    _AST = ast, _CHUNK = parent, _IS_COMPILER = true, _SCOPE = scope,
    _SPECIALS = specials.SPECIALS, _VARARG = utils.varg(),
    ["macro-loaded"] = macro_loaded, pack = utils.pack, unpack = utils.unpack,
    ["assert-compile"] = assert_compile, view = fennel.view,
    ["fennel-module-name"] = fennel_module_name, version = utils.version,
    ["ast-source"] = utils["ast-source"],
    list = utils.list, ["list?"] = utils["list?"], ["table?"] = utils["table?"],
    sequence = utils.sequence, ["sequence?"] = utils["sequence?"],
    sym = utils.sym, ["sym?"] = utils["sym?"], ["multi-sym?"] = utils["multi-sym?"],
    comment = utils.comment, ["comment?"] = utils["comment?"], ["varg?"] = utils["varg?"],
    gensym = function(base)
      return utils.sym(host.gensym(base ~= nil and tostring(base) or nil))
    end,
    ["get-scope"] = function() return host.ct_get_scope() end,
    ["in-scope?"] = function(s)
      in_macro("in-scope?", ast)
      return host.ct_in_scope(tostring(s))
    end,
    macroexpand = function(form)
      in_macro("macroexpand", ast)
      return host.ct_macroexpand(form)
    end,
  }
  env._G = env
  return setmetatable(env, {__index = provided, __newindex = provided, __pairs = combined_pairs})
end

-- Every global name code run in env may use: what its __pairs gives, or its
-- own keys and those of the tables behind it through __index; mangled names
-- also unmangled.
specials["current-global-names"] = function(env)
  local names, seen = {}, {}
  local function add(k)
    if type(k) == "string" and not seen[k] then
      seen[k] = true
      names[#names + 1] = k
      local rest = k:match("^__fnl_global__(.*)$")
      if rest then add((rest:gsub("_(%x%x)", function(h) return string.char(tonumber(h, 16)) end))) end
    end
  end
  local t = env or _G
  local mt = getmetatable(t)
  if type(mt) == "table" and type(mt.__pairs) == "function" then
    for k in mt.__pairs(t) do add(k) end
    return names
  end
  local depth = 0
  while type(t) == "table" and depth < 16 do
    for k in next, t, nil do add(k) end
    mt = getmetatable(t)
    t = type(mt) == "table" and rawget(mt, "__index") or nil
    depth = depth + 1
  end
  return names
end

-- Find module along a ;-separated ?-template path: (filename) or (nil, tried).
specials["search-module"] = function(name, path)
  return host.find_fennel(name, path or fennel.path)
end

-- Load a Fennel macro module with the compiler environment as its globals.
local function fennel_macro_searcher(name)
  local filename = specials["search-module"](name, fennel["macro-path"])
  if not filename then return nil end
  local opts = utils.copy(root_options())
  opts["module-name"], opts.env, opts.requireAsInclude, opts.allowedGlobals, opts.scope, opts.filename =
    name, "_COMPILER", false, nil, nil, nil
  if opts["compiler-env"] == _G or opts.compilerEnv == _G then
    return function(...)
      local searchers = package.searchers
      table.insert(searchers, 1, fennel_macro_searcher)
      local ok, m = pcall(fennel.dofile, filename, opts, ...)
      table.remove(searchers, 1)
      if not ok then error(m, 0) end
      return m
    end, filename
  end
  return function(...) return fennel.dofile(filename, opts, ...) end, filename
end

local function lua_macro_searcher(name)
  local filename = package and package.path and host.find_lua and host.find_lua(name, package.path)
  if not filename then return nil end
  local code = assert(host.read_file(filename))
  local chunk = assert(specials["load-code"](code, specials["make-compiler-env"](), "@" .. filename))
  return chunk, filename
end

specials["fennel-macro-searcher"] = fennel_macro_searcher
specials["lua-macro-searcher"] = lua_macro_searcher
specials["macro-searchers"] = fennel["macro-searchers"]

local function search_macro_module(name)
  for _, searcher in ipairs(fennel["macro-searchers"]) do
    local loader, filename = searcher(name)
    if loader then return loader, filename end
  end
end
specials["search-macro-module"] = search_macro_module

-- The fennel module as macro code may see it: view and metadata setting only.
local function sandbox_fennel_module(name)
  local loaded = package and package.loaded and package.loaded[name]
  if name == "fennel.macros" or name == fennel_module_name()
    or (type(loaded) == "table" and loaded.metadata == fennel.metadata) then
    return {view = fennel.view, metadata = {setall = function(_, ...) return fennel.metadata:setall(...) end}}
  end
end

safe_require = function(name)
  local m = macro_loaded[name] or sandbox_fennel_module(name)
  if m ~= nil then return m end
  local loader, filename = search_macro_module(name)
  assert_compile(loader, name .. " module not found.", utils.root.ast)
  macro_loaded[name] = loader(name, filename)
  return macro_loaded[name]
end
specials["safe-require"] = safe_require

-- A macro module for import-macros or require-macros: loaded once, a table.
specials["load-macro-module"] = function(name, ast)
  if not macro_loaded[name] then
    local loader, filename = search_macro_module(name)
    assert_compile(loader, name .. " module not found.", ast)
    local m = loader(name, filename)
    assert_compile(utils["table?"](m), "expected macros to be table", ast)
    macro_loaded[name] = m
  end
  return macro_loaded[name]
end

-- An env whose reads and writes of mangled globals reach their plain names.
specials["wrap-env"] = function(env)
  local function unmangle(k)
    if type(k) == "string" then
      local rest = k:match("^__fnl_global__(.*)$")
      if rest then return (rest:gsub("_(%x%x)", function(h) return string.char(tonumber(h, 16)) end)) end
    end
    return k
  end
  return setmetatable({}, {
    __index = function(_, k) return env[unmangle(k)] end,
    __newindex = function(_, k, v) env[unmangle(k)] = v end,
    __pairs = function()
      local out = {}
      for k, v in pairs(env) do
        out[type(k) == "string" and fennel.mangle(k) or k] = v
      end
      return next, out, nil
    end,
  })
end

-- Scopes a program can make and pass to compiles (fennel.scope): each
-- inherits what its parent binds, as the reference's scope tables do.
local function inherit(parent, key)
  return setmetatable({}, {__index = parent and parent[key]})
end
specials["make-scope"] = function(parent)
  parent = parent or specials["global-scope"]
  return {
    includes = inherit(parent, "includes"), macros = inherit(parent, "macros"),
    manglings = inherit(parent, "manglings"), specials = inherit(parent, "specials"),
    symmeta = inherit(parent, "symmeta"), unmanglings = inherit(parent, "unmanglings"),
    gensyms = inherit(parent, "gensyms"), autogensyms = inherit(parent, "autogensyms"),
    ["gensym-base"] = inherit(parent, "gensym-base"), refedglobals = {},
    parent = parent, vararg = parent and parent.vararg, depth = parent and ((parent.depth or 0) + 1) or 0,
    hashfn = parent and parent.hashfn,
  }
end
specials["global-scope"] = specials["make-scope"](false)
specials["global-scope"].specials = specials.SPECIALS
specials["compiler-scope"] = specials["make-scope"](specials["global-scope"])

-- A user macro bound in scope (or a scope it inherits from): not a built-in.
specials["scope-macro"] = function(scope, name)
  local macros = type(scope) == "table" and scope.macros
  local v = type(macros) == "table" and macros[name]
  if v ~= nil and v == specials["global-scope"].macros[name] then return nil end
  return v
end

-- What the host calls while it compiles (the compile-time side of a compile).
local ct = {}
specials.ct = ct

function ct.new_env(opts, ast, scope)
  return specials["make-compiler-env"](ast, scope, nil, opts)
end

function ct.global_names(env)
  return table.concat(specials["current-global-names"](env), "\n")
end

-- Errors raised by compile-time code keep their frames inside that code only.
local function handler(e)
  if type(e) == "table" and getmetatable(e) == specials["compile-error-mt"] then return e end
  if type(e) ~= "string" then return e end
  local tb = traceback and traceback(e, 2) or e
  local cut = tb:find("\n[^\n]*%[C%]: in function 'xpcall'")
  return cut and tb:sub(1, cut - 1) or tb
end

function ct.run(code, chunkname, env, ...)
  local f, err = load(code, chunkname, "t", specials["wrap-env"](env))
  if not f then return false, "compile-time Lua did not load (a fennel-js bug): " .. tostring(err) end
  return xpcall(f, handler, ...)
end

function ct.call(f, ...)
  return xpcall(f, handler, ...)
end

function ct.entries(t)
  local names, values = {}, {}
  for k, v in utils.stablepairs(t) do
    if type(k) == "string" then
      names[#names + 1] = k
      values[#values + 1] = v
    end
  end
  return names, values
end

-- The special forms fennel-js builds in, as compile-time code may call them
-- (_SPECIALS.do): the ast, its head put back, compiles into parent where opts
-- says. A name of _SPECIALS bound to anything else is a special code defined.
local builtin_specials = setmetatable({}, {__mode = "k"})
function ct.builtin_special(name)
  local function special(ast, scope, parent, opts)
    local form = setmetatable({}, getmetatable(ast))
    for k, v in next, ast, nil do form[k] = v end
    form[1] = utils.sym(name)
    return fennel.compile1(form, scope, parent, opts)
  end
  builtin_specials[special] = true
  return special
end

function ct.user_special(name)
  local v = rawget(specials.SPECIALS, name)
  if v ~= nil and not builtin_specials[v] then return v end
end

-- The Lua lines of a chunk a special compiled into ({leaf = line} entries, or chunks).
local function chunk_lines(chunk, out)
  for _, e in ipairs(chunk) do
    if type(e) == "string" then out[#out + 1] = e
    elseif type(e) == "table" and e.leaf ~= nil then out[#out + 1] = tostring(e.leaf)
    elseif type(e) == "table" then chunk_lines(e, out) end
  end
  return out
end

-- Call a special code defined: (true, lines, codes, types) joined by "\0", or (false, error).
function ct.call_special(f, ast, scope, nval)
  local parent = {}
  local ok, exprs = xpcall(f, handler, ast, scope, parent, {nval = nval})
  if not ok then return false, exprs end
  local codes, types = {}, {}
  if type(exprs) == "table" then
    for i, e in ipairs(exprs) do
      if type(e) == "table" then codes[i], types[i] = tostring(e[1]), tostring(e.type or "expression")
      else codes[i], types[i] = tostring(e), "expression" end
    end
  end
  return true, table.concat(chunk_lines(parent, {}), "\0"), table.concat(codes, "\0"), table.concat(types, "\0"), #codes
end

-- Plugins see the compile's scopes as scope tables; a local's symmeta entry
-- lives in the scope that binds it, found through __index from inner scopes.
function ct.scope(parent) return specials["make-scope"](parent) end
function ct.meta(scope, name, lua, is_var, used, fresh)
  local meta = rawget(scope.symmeta, name)
  if fresh or meta == nil then
    meta = {var = is_var or nil, symbol = utils.sym(name)}
    rawset(scope.symmeta, name, meta)
    rawset(scope.manglings, name, lua)
    rawset(scope.unmanglings, lua, name)
  end
  if used then meta.used = true end
end

-- Call the plugins' handlers for event: (true) or (false, error).
function ct.hook(opts, event, ...)
  return xpcall(utils["hook-opts"], handler, event, opts, ...)
end

function ct.module(name, ast)
  return xpcall(specials["load-macro-module"], handler, name, ast)
end

function ct.callable(v) return utils["callable?"](v) and true or false end
function ct.is_table(v) return utils["table?"](v) and true or false end
function ct.field(t, k)
  local ok, v = pcall(function() return t[k] end)
  if ok then return v end
end

return specials
`;
