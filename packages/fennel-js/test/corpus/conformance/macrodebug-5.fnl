(macrodebug (fn [] 1))
(macrodebug [1 2 {:a :b}])
(macrodebug "str")
(macrodebug 42)
