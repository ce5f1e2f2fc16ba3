// fennel.view as the VM first sees it: a stand-in that loads the real view
// (the largest chunk of Lua the host has) the first time it is called, since
// most programs never call it and parsing it costs a VM's start ~10 ms.

export const LAZY_VIEW_LUA = String.raw`
local load_view = ...
local view
return function(...)
  view = view or load_view()
  return view(...)
end
`;
