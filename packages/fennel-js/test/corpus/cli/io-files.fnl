(local path (os.tmpname))
(with-open [f (assert (io.open path :w))]
  (f:write "line one\nline two\n3 4.5 0x10\nrest of file"))
(with-open [f (assert (io.open path))]
  (print (f:read))
  (print (f:read :L))
  (print (f:read :n :n :n))
  (print (f:read :a))
  (print (f:read :a) (f:read :l)))
(local lines [])
(each [line (io.lines path)]
  (table.insert lines line))
(print (length lines) (. lines 4))
(with-open [f (io.open path :a)]
  (f:write "\nappended"))
(with-open [f (io.open path)]
  (print (f:seek :end))
  (f:seek :set 5)
  (print (f:read 3)))
(print (os.remove path))
(print (= nil (io.open path)))
(print (select 3 (os.remove path)))
