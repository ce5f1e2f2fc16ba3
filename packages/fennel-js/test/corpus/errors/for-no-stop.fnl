(for [i 1] (print i))
