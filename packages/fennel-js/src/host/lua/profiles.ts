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
