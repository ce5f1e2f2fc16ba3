(io.stdout:setvbuf :no)
(io.write "unbuffered\n")
(print (io.stdout:seek "cur"))
