(local path "_tmp_files_1.txt")
(with-open [f (io.open path :w)]
  (f:write "line1\nline2\n3.5\n"))
(with-open [f (io.open path)]
  (print (f:read "l"))
  (print (f:read "L"))
  (print (f:read "n"))
  (print (f:read "l"))
  (print (f:read "l")))
(each [l (io.lines path)] (io.write "[" l "]"))
(print)
(print (io.open "_no_such_file_here.txt"))
(os.remove path)
