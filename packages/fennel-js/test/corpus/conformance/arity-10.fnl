(doto)
