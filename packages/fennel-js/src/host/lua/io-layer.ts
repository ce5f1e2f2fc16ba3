// The cli profile's io and os libraries, in Lua over the host's file
// primitives (node-io.ts): the same functions, results and error values as
// Lua's own io/os, but on the real filesystem, environment and process.

export const IO_LAYER_LUA = String.raw`
local h = ...
local type, select, error, tostring, setmetatable, getmetatable, tonumber, rawequal =
  type, select, error, tostring, setmetatable, getmetatable, tonumber, rawequal
local format, sub, find = string.format, string.sub, string.find
local math_type = math.type

local FILE = {__name = "FILE*"}
local methods = {}
FILE.__index = methods

-- Handles are userdata, as Lua's own; what the layer knows of each is kept here.
local state = setmetatable({}, {__mode = "k"})
local function new_file(id)
  local f = h.newhandle(FILE)
  state[f] = {id = id}
  return f
end
local stdin, stdout, stderr = new_file(0), new_file(1), new_file(2)
local default_in, default_out = stdin, stdout

FILE.__tostring = function(f)
  if state[f].closed then return "file (closed)" end
  return format("file (0x%08x)", 0x5a000 + state[f].id * 16)
end

local function check(f, fname)
  if getmetatable(f) ~= FILE then
    error(format("bad argument #1 to '%s' (FILE* expected, got %s)", fname, type(f)), 0)
  end
  if state[f].closed then error("attempt to use a closed file", 0) end
  return f
end

local function read_one(f, fmt, argn)
  if type(fmt) == "number" then return h.fread(state[f].id, math.floor(fmt)) end
  if type(fmt) ~= "string" then
    error(format("bad argument #%d to 'read' (invalid format)", argn), 0)
  end
  local c = sub(fmt, 1, 1) == "*" and sub(fmt, 2, 2) or sub(fmt, 1, 1)
  if c == "n" then return tonumber(h.fread(state[f].id, "n")) end
  if c == "l" or c == "L" or c == "a" then return h.fread(state[f].id, c) end
  error(format("bad argument #%d to 'read' (invalid format)", argn), 0)
end

local function read(f, ...)
  local n = select("#", ...)
  if n == 0 then return h.fread(state[f].id, "l") end
  local out = {}
  for i = 1, n do
    local v = read_one(f, (select(i, ...)), i)
    out[i] = v
    if v == nil then return table.unpack(out, 1, i) end
  end
  return table.unpack(out, 1, n)
end

local function write(f, ...)
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    local tv = type(v)
    if tv == "number" then
      v = math_type(v) == "integer" and format("%d", v) or format("%.14g", v)
    elseif tv ~= "string" then
      error(format("bad argument #%d to 'write' (string expected, got %s)", i, tv == "nil" and "no value" or tv), 0)
    end
    local ok, msg, code = h.fwrite(state[f].id, v)
    if not ok then return nil, msg, code end
  end
  return f
end

function methods.read(f, ...) return read(check(f, "read"), ...) end
function methods.write(f, ...) return write(check(f, "write"), ...) end
function methods.lines(f, ...)
  check(f, "lines")
  local formats = table.pack(...)
  return function()
    if state[f].closed then error("file is already closed", 0) end
    return read(f, table.unpack(formats, 1, formats.n))
  end
end
function methods.close(f)
  check(f, "close")
  if state[f].id <= 2 then return nil, "cannot close standard file" end
  state[f].closed = true
  return h.fclose(state[f].id)
end
function methods.flush(f) check(f, "flush") h.fflush(state[f].id) return f end
function methods.seek(f, whence, offset)
  check(f, "seek")
  whence = whence or "cur"
  if whence ~= "set" and whence ~= "cur" and whence ~= "end" then
    error(format("bad argument #1 to 'seek' (invalid option '%s')", tostring(whence)), 0)
  end
  return h.fseek(state[f].id, whence, offset or 0)
end
function methods.setvbuf(f) check(f, "setvbuf") return true end
FILE.__close = function(f)
  local s = state[f]
  if s and not s.closed and s.id > 2 then s.closed = true h.fclose(s.id) end
end
FILE.__gc = FILE.__close

local function open(name, mode)
  mode = mode or "r"
  if type(name) ~= "string" then
    error(format("bad argument #1 to 'open' (string expected, got %s)", type(name)), 0)
  end
  if not find(mode, "^[rwa]%+?b*$") then error("bad argument #2 to 'open' (invalid mode)", 0) end
  local id, msg, code = h.fopen(name, mode)
  if not id then return nil, msg, code end
  return new_file(id)
end

io = {stdin = stdin, stdout = stdout, stderr = stderr, open = open}

function io.type(x)
  if getmetatable(x) ~= FILE then return nil end
  return state[x].closed and "closed file" or "file"
end
function io.read(...) return read(check(default_in, "read"), ...) end
function io.write(...) return write(check(default_out, "write"), ...) end
function io.lines(name, ...)
  if name == nil then return methods.lines(default_in, ...) end
  local f, msg = open(name, "r")
  if not f then error(msg, 0) end
  local formats = table.pack(...)
  return function()
    if state[f].closed then error("file is already closed", 0) end
    local v = read(f, table.unpack(formats, 1, formats.n))
    if v == nil then f:close() end
    return v
  end, nil, nil, f
end
local function redirect(current, x, mode, fname)
  if x == nil then return current end
  if type(x) == "string" then
    local f, msg = open(x, mode)
    if not f then error(msg, 0) end
    return f
  end
  return check(x, fname)
end
function io.input(x) default_in = redirect(default_in, x, "r", "input") return default_in end
function io.output(x) default_out = redirect(default_out, x, "w", "output") return default_out end
function io.close(f) return methods.close(f or default_out) end
function io.flush() return methods.flush(default_out) end
function io.popen(cmd, mode)
  mode = mode or "r"
  if mode ~= "r" and mode ~= "w" then error("bad argument #2 to 'popen' (invalid mode)", 0) end
  local id, msg, code = h.popen(cmd, mode)
  if not id then return nil, msg, code end
  return new_file(id)
end
function io.tmpfile()
  local id, msg, code = h.tmpfile()
  if not id then return nil, msg, code end
  return new_file(id)
end
package.loaded.io = io

local wasm_os = os
os = {
  time = wasm_os.time, date = wasm_os.date, clock = wasm_os.clock,
  difftime = wasm_os.difftime, setlocale = wasm_os.setlocale,
  getenv = h.getenv, remove = h.remove, rename = h.rename, tmpname = h.tmpname,
  execute = h.execute,
}
function os.exit(code)
  if code == nil or code == true then code = 0 elseif code == false then code = 1 end
  h.exit(code)
end
package.loaded.os = os
`;
