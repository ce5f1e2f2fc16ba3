(when)
