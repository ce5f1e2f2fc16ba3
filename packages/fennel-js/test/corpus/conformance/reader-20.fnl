(print ((setmetatable {} {:__call #"called"})))
(print (#"s"))
