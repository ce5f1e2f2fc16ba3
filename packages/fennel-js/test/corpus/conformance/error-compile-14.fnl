(print #)
