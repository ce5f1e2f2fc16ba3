(print undefined-global)
