(icollect [_ v (ipairs [])] v v)
