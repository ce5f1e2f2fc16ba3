// The REPL behind fennel.repl: read chunks until a form is complete, compile
// each form in one scope so locals carry over (saved in ___replLocals___
// between chunks), run it, show its values; ,commands, completion, *1 *2 *3.
// Loaded the first time fennel.repl is called; returns the repl function,
// which takes the fennel.repl table (defaults) and the caller's options.

export const FENNEL_REPL_LUA = String.raw`
local fennel, utils, host = ...
local type, pairs, ipairs, select, tostring, setmetatable, rawset, pcall, xpcall =
  type, pairs, ipairs, select, tostring, setmetatable, rawset, pcall, xpcall
local concat, insert = table.concat, table.insert
local specials = require("fennel.specials")
local metadata = fennel.metadata

local depth = 0

local function prompt(top)
  return string.rep(top and ">" or ".", depth) .. " "
end

local function default_read_chunk(state)
  io.write(prompt(state["stack-size"] == 0))
  io.flush()
  local line = io.read()
  if line then return line .. "\n" end
end

local function default_on_values(xs)
  io.write(concat(xs, "\t"))
  io.write("\n")
end

local function default_on_error(errtype, err)
  if errtype == "Runtime" then
    io.write(fennel.traceback(tostring(err), 4), "\n")
  else
    io.write(("%s error: %s\n"):format(errtype, tostring(err)))
  end
end

-- Lua that restores the saved locals before a chunk, and saves the chunk's
-- top-level locals before its final return.
local function splice_save_locals(env, lua, scope)
  local saves, binds = {}, {}
  for name in pairs(env.___replLocals___) do
    saves[#saves + 1] = ("local %s = ___replLocals___[%q]"):format(scope.manglings[name] or name, name)
  end
  for name, mangled in pairs(scope.manglings) do
    if scope.symmeta[name] and not scope.gensyms[mangled] then
      binds[#binds + 1] = ("___replLocals___[%q] = %s"):format(name, mangled)
    end
  end
  local gap = lua:find("\n") and "\n" or " "
  local head = #saves > 0 and (concat(saves, " ") .. gap) or ""
  local body, ret = lua:match("^(.*)[\n ](return .*)$")
  if body then return head .. body .. gap .. concat(binds, " ") .. gap .. ret end
  if lua:match("^return ") then return head .. concat(binds, " ") .. gap .. lua end
  return head .. lua .. gap .. concat(binds, " ")
end

local commands = {}

local function command_docs()
  local lines = {}
  for name, f in utils.stablepairs(commands) do
    lines[#lines + 1] = ("  ,%s - %s"):format(name, metadata:get(f, "fnl/docstring") or "undocumented")
  end
  return concat(lines, "\n")
end

local function document(f, doc)
  metadata:set(f, "fnl/docstring", doc)
  return f
end

commands.help = document(function(session)
  session.on_values({"Welcome to Fennel.\n" ..
    "This is the REPL where you can enter code to be evaluated.\n" ..
    "You can also run these repl commands:\n\n" .. command_docs() .. "\n" ..
    "  ,return FORM - Evaluate FORM and return its value to the REPL's caller.\n" ..
    "  ,exit - Leave the repl.\n\n" ..
    "Use ,doc something to see descriptions for individual macros and special forms.\n" ..
    "Values from previous inputs are kept in *1, *2, and *3.\n\n" ..
    "For more information about the language, see https://fennel-lang.org/reference"})
end, "Show this message.")

local function reload(name, session)
  local env = session.env
  local ok, old = pcall(fennel["load-code"]("return require(...)", env), name)
  if ok then
    local macro_loaded = fennel["macro-loaded"]
    local old_macro = macro_loaded[name]
    macro_loaded[name] = nil
    package.loaded[name] = nil
    local ok2, new = pcall(require, name)
    if not ok2 then
      session.on_error("Repl", new)
      macro_loaded[name] = old_macro
      new = old
    end
    if type(old) == "table" and type(new) == "table" then
      for k, v in pairs(new) do old[k] = v end
      for k in pairs(old) do
        if new[k] == nil then old[k] = nil end
      end
      package.loaded[name] = old
    end
    session.on_values({"ok"})
  elseif old:match("loop or previous error loading module") then
    package.loaded[name] = nil
    return reload(name, session)
  elseif fennel["macro-loaded"][name] then
    fennel["macro-loaded"][name] = nil
  else
    session.on_error("Runtime", (old:gsub("\n.*", "")))
  end
end

-- Commands that take a form read it from the rest of the input.
local function with_argument(session, f)
  local ok, form = session.read_argument()
  if not ok then return session.on_error("Parse", "Couldn't parse input.") end
  local ok2, msg = pcall(f, form)
  if not ok2 then session.on_error("Runtime", msg) end
end

commands.reload = document(function(session)
  with_argument(session, function(form) reload(tostring(form), session) end)
end, "Reload the specified module.")

commands.reset = document(function(session)
  session.env.___replLocals___ = session.new_locals()
  session.on_values({"ok"})
end, "Erase all repl-local scope.")

-- Completions of the symbol being typed: locals, globals, specials and
-- macros, fields of tables (tbl.x) and methods (tbl:m).
local function completer(env, scope, text, fulltext)
  local max, seen, matches = 2000, {}, {}
  local fragment = text:gsub(".*[%s)(]+", "")
  local stop = false
  local function add_partials(input, tbl, prefix)
    local scope_first = tbl == env or tbl == env.___replLocals___
    for k, mangled in utils.allpairs(scope_first and scope.manglings or tbl) do
      if #matches >= max then break end
      local v = tbl[scope_first and mangled or k]
      if type(k) == "string" and input == k:sub(0, #input) and not seen[k]
        and (prefix:sub(-1) ~= ":" or type(v) == "function") then
        seen[k] = true
        matches[#matches + 1] = prefix .. k
      end
    end
  end
  local add_matches
  local function descend(input, tbl, prefix, method)
    local head, tail = input:match(method and "^([^:]+):(.*)" or "^([^.]+)%.(.*)")
    local raw = scope.manglings[head] or head
    if type(tbl[raw]) == "table" then
      stop = true
      if method then add_partials(tail, tbl[raw], prefix .. head .. ":")
      else add_matches(tail, tbl[raw], prefix .. head) end
    end
  end
  add_matches = function(input, tbl, prefix)
    prefix = prefix and (prefix .. ".") or ""
    if not input:find("%.") and input:find(":") then descend(input, tbl, prefix, true)
    elseif not input:find("%.") then add_partials(input, tbl, prefix)
    else descend(input, tbl, prefix, false) end
  end
  local cmd = tostring(fulltext or text):match("^%s*,([^%s()[%]]*)$")
  if cmd then
    add_partials(cmd, commands, ",")
  else
    for _, source in ipairs({scope.specials, scope.macros, env.___replLocals___ or {}, env, env._G}) do
      if stop then break end
      if type(source) == "table" then add_matches(fragment, source) end
    end
  end
  return matches
end

commands.complete = document(function(session)
  local ok = session.read_argument()
  if not ok then return session.on_error("Parse", "Couldn't parse input.") end
  local text = session.command_line:gsub("^%s*,complete%s+", ""):match("^%S*")
  session.on_values(completer(session.env, session.scope, text))
end, "Print all possible completions for a given input symbol.")

local function apropos_in(pattern, tbl, prefix, seen, names)
  for name, sub in pairs(tbl) do
    if type(name) == "string" and sub ~= package then
      if type(sub) == "function" then
        if (prefix .. name):match(pattern) then names[#names + 1] = prefix .. name end
      elseif type(sub) == "table" and not seen[sub] then
        seen[sub] = true
        apropos_in(pattern, sub, prefix .. name:gsub("%.", "/") .. ".", seen, names)
      end
    end
  end
  return names
end

local function apropos(pattern)
  return apropos_in(pattern:gsub("^_G%.", ""), package.loaded, "", {}, {})
end

local function follow_path(path)
  local tgt = package.loaded
  for part in path:gmatch("[^%.]+") do
    if tgt == nil then break end
    tgt = tgt[(part:gsub("%/", "."))]
  end
  return tgt
end

commands.apropos = document(function(session)
  with_argument(session, function(form) session.on_values(apropos(tostring(form))) end)
end, "Print all functions matching a pattern in all loaded modules.")

commands["apropos-doc"] = document(function(session)
  with_argument(session, function(form)
    local pattern, out = tostring(form), {}
    for _, path in ipairs(apropos(".*")) do
      local tgt = follow_path(path)
      local doc = type(tgt) == "function" and metadata:get(tgt, "fnl/docstring")
      if doc and doc:match(pattern) then out[#out + 1] = path end
    end
    session.on_values(out)
  end)
end, "Print all functions that match the pattern in their docs")

commands["apropos-show-docs"] = document(function(session)
  with_argument(session, function(form)
    for _, path in ipairs(apropos(tostring(form))) do
      local tgt = follow_path(path)
      if type(tgt) == "function" and metadata:get(tgt, "fnl/docstring") then
        session.on_values({fennel.doc(tgt, path)})
        session.on_values({})
      end
    end
  end)
end, "Print all documentations matching a pattern in function name")

-- The value a name has in the REPL: a saved local, a global, a field.
local function resolve(name, env, scope)
  local locals = env.___replLocals___ or {}
  local e = setmetatable({}, {__index = function(_, k)
    local v = locals[scope.unmanglings[k]]
    if v ~= nil then return v end
    return env[k]
  end})
  local ok, code = pcall(fennel["compile-string"], tostring(name), {scope = scope})
  if not ok then return nil end
  local ok2, f = pcall(fennel["load-code"], code, e)
  if not ok2 or not f then return nil end
  local ok3, v = pcall(f)
  if ok3 then return v end
end

commands.find = document(function(session)
  with_argument(session, function(form)
    local info = utils["sym?"](form) and resolve(form, session.env, session.scope)
    info = info and debug and debug.getinfo(info)
    if info and info.what == "Lua" and type(info.source) == "string" and info.source:sub(1, 1) == "@" then
      local line = host.fennel_line(info.source, info.linedefined)
      session.on_values({("%s:%s"):format(info.source:sub(2), line)})
    elseif not info then
      session.on_error("Repl", "Unknown value")
    else
      session.on_error("Repl", "No source info")
    end
  end)
end, "Print the filename and line number for a given function")

commands.doc = document(function(session)
  with_argument(session, function(form)
    local name = tostring(form)
    local path = utils["multi-sym?"](name) or {name}
    local ok, target = pcall(function()
      return utils["get-in"](session.scope.specials, path)
        or utils["get-in"](session.scope.macros, path)
        or resolve(name, session.env, session.scope)
    end)
    if ok then session.on_values({fennel.doc(target, name)})
    else session.on_error("Repl", "Could not find " .. name .. " for docs.") end
  end)
end, "Print the docstring and arglist for a function, macro, or special form.")

commands.compile = document(function(session)
  with_argument(session, function(form)
    local ok, result = pcall(fennel.compile, form, session.opts)
    if ok then session.on_values({result})
    else session.on_error("Repl", "Error compiling expression: " .. result) end
  end)
end, "compiles the expression into lua and prints the result.")

-- A plugin's repl-command-NAME is called as the reference calls it:
-- (env read on-values on-error scope chars opts), read giving true and the
-- next form of the input.
local function load_plugin_commands(plugins)
  for i = #(plugins or {}), 1, -1 do
    for name, f in pairs(plugins[i]) do
      local cmd = type(name) == "string" and name:match("^repl%-command%-(.*)")
      if cmd then
        commands[cmd] = function(session)
          local function read() return session.read_argument() end
          return f(session.env, read, session.on_values, session.on_error, session.scope,
                   {session.command_line}, session.opts)
        end
        local doc = metadata:get(f, "fnl/docstring")
        if doc then metadata:set(commands[cmd], "fnl/docstring", doc) end
      end
    end
  end
end

local function repl(options)
  local opts = utils.copy(options)
  local rc = opts.fennelrc
  opts.fennelrc = nil
  if rc then rc() end
  local env = specials["wrap-env"](opts.env or rawget(_G, "_ENV") or _G)
  local callbacks = {
    readChunk = opts.readChunk or default_read_chunk,
    onValues = opts.onValues or default_on_values,
    onError = opts.onError or default_on_error,
    pp = opts.pp or fennel.view,
    ["view-opts"] = opts["view-opts"] or {depth = 4},
    env = env,
  }
  local save_locals = opts.saveLocals ~= false
  depth = depth + 1
  if opts.message then callbacks.onValues({opts.message}) end
  env.___repl___ = callbacks
  opts.env, opts.scope = env, fennel.scope()
  opts.useMetadata = opts.useMetadata ~= false
  if opts.allowedGlobals == nil then opts.allowedGlobals = specials["current-global-names"](env) end
  if opts.init then opts.init(opts, depth) end
  if opts.registerCompleter then
    opts.registerCompleter(function(text, fulltext) return completer(env, opts.scope, text, fulltext) end)
  end
  load_plugin_commands(opts.plugins)
  local scope = opts.scope
  local function new_locals()
    if not save_locals then return {} end
    return setmetatable({}, {__newindex = function(t, k, v)
      if scope.manglings[k] then rawset(t, k, v) end
    end})
  end
  env.___replLocals___ = new_locals()
  scope.manglings["*1"], scope.unmanglings._1 = "_1", "*1"
  scope.manglings["*2"], scope.unmanglings._2 = "_2", "*2"
  scope.manglings["*3"], scope.unmanglings._3 = "_3", "*3"

  -- Input not yet read as a form; it keeps what followed the last form.
  local buffer = ""
  local eof = false
  local function read_more(stack_size)
    if eof then return false end
    local chunk = callbacks.readChunk({["stack-size"] = stack_size})
    if chunk == nil then
      eof = true
      return false
    end
    buffer = buffer .. chunk
    return true
  end

  -- The next form: true, form, its source; false, message on a parse error;
  -- nil when the input ends inside a form. More input is read while the
  -- form is incomplete; what follows the form stays for the next read.
  local function read_form()
    while true do
      local status, form, stop = host.read_form(buffer, opts.filename or "unknown")
      if status == "ok" then
        local src = buffer:sub(1, stop)
        buffer = buffer:sub(stop + 1)
        return true, form, src
      elseif status == "eof" then
        buffer = ""
        if not read_more(0) then return nil end
      elseif status == "incomplete" then
        if not read_more(1) then
          buffer = ""
          return nil
        end
      else
        buffer = ""
        return false, form
      end
    end
  end

  local function print_values(...)
    local vals, out = {...}, {}
    env._, env.__ = vals[1], vals
    for i = 1, select("#", ...) do
      out[#out + 1] = callbacks.pp(vals[i], callbacks["view-opts"])
    end
    callbacks.onValues(out)
  end

  local function save_value(...)
    local locals = env.___replLocals___
    locals["*3"], locals["*2"], locals["*1"] = locals["*2"], locals["*1"], ...
    return ...
  end

  local session = {env = env, scope = scope, opts = opts, new_locals = new_locals,
                   on_values = function(xs) return callbacks.onValues(xs) end,
                   on_error = function(t, e) return callbacks.onError(t, e) end}
  function session.read_argument()
    local ok, form = read_form()
    return ok == true, form
  end

  local old_root_options = utils.root.options

  -- Evaluate one form; returns true, its values packed when it ran.
  local function evaluate(form, src)
    opts.source = src
    local ok, lua = pcall(fennel.compile, form, opts)
    utils.root.options = old_root_options
    if not ok then
      callbacks.onError("Compile", lua)
      return false
    end
    if save_locals then lua = splice_save_locals(env, lua, scope) end
    local chunk, err = fennel["load-code"](lua, env)
    if not chunk then
      callbacks.onError("Lua", err, lua)
      return false
    end
    local results
    local ran = xpcall(function() results = table.pack(save_value(chunk())) end,
                       function(e) callbacks.onError("Runtime", e) end)
    if ran then
      print_values(table.unpack(results, 1, results.n))
      return true, results
    end
    return false
  end

  local value
  while true do
    if buffer:match("^%s*$") then
      if not read_more(0) then break end
    elseif buffer:match("^%s*,") then
      buffer = buffer:gsub("^%s+", "")
      local line = buffer:match("^[^\n]*")
      local name = line:match("^,([^%s/]+)") or ""
      session.command_line = line
      buffer = buffer:sub(#(buffer:match("^,[^%s/]*")) + 1)
      if name == "exit" then break end
      if name == "return" then
        local ok, form, src = read_form()
        if ok then
          local ran, results = evaluate(form, src)
          if ran then value = results[1] end
        end
        break
      end
      local command = commands[name]
      if command then
        local ok, msg = pcall(command, session)
        if not ok then callbacks.onError("Runtime", msg) end

      else
        callbacks.onValues({"Unknown command", name})
        buffer = buffer:gsub("^[^\n]*", "", 1)
      end
    else
      local ok, form, src = read_form()
      if ok == nil then break end
      if ok then evaluate(form, src)
      else callbacks.onError("Parse", form) end
    end
  end
  depth = depth - 1
  if opts.exit then opts.exit(opts, depth) end
  return value
end

-- fennel.repl's own fields are defaults under the options a call gives;
-- view-opts merge rather than replace.
return function(defaults, options)
  local opts = utils.copy(options, utils.copy(defaults))
  opts["view-opts"] = utils.copy(options and options["view-opts"], utils.copy(defaults["view-opts"]))
  return repl(opts)
end
`;
