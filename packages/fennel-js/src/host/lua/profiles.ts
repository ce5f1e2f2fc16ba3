// The pipeline library profile: what a ci.fnl may touch. No io, no debug, no
// load/loadfile/dofile, and os reduced to time/date/clock; `require` cannot
// reach the removed libraries through package.loaded either.

export const PIPELINE_PROFILE_LUA = String.raw`
local time, date, clock = os.time, os.date, os.clock
io, debug, load, loadfile, dofile = nil, nil, nil, nil, nil
os = {time = time, date = date, clock = clock}
package.loaded.io, package.loaded.debug = nil, nil
package.loaded.os = os
package.searchpath = nil
string.dump = nil
`;

// Optional, after the profile: reading a removed global raises the host's
// message instead of indexing nil, and so does a removed os function. A name
// listed that is still present (package) is removed; require keeps working.
export const PIPELINE_REFUSALS_LUA = String.raw`
local globals, os_message = ...
local loaded = package.loaded
local error, tostring, getmetatable, setmetatable, rawset, type =
  error, tostring, getmetatable, setmetatable, rawset, type
for name in pairs(globals) do
  rawset(_G, name, nil)
  loaded[name] = nil
end
local mt = getmetatable(_G) or {}
local inner = mt.__index
mt.__index = function(t, k)
  local why = globals[k]
  if why then error(why, 2) end
  if type(inner) == "function" then return inner(t, k) end
  if inner ~= nil then return inner[k] end
  return nil
end
setmetatable(_G, mt)
if os_message then
  setmetatable(os, {__index = function(_, k)
    error((os_message:gsub("%%s", function() return tostring(k) end)), 2)
  end})
end
`;
