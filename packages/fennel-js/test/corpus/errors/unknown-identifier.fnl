(print :start)
(print undefined-thing)
