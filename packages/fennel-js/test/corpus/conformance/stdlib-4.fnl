(local t (setmetatable {} {:__tostring (fn [] "custom error object")}))
(error t)
