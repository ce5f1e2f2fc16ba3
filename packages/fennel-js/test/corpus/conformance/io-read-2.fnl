(each [line (io.lines)] (print (.. "[" line "]")))
