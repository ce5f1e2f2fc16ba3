(print (string.rep "x" -1))
(string.format "%d" "notnum")
