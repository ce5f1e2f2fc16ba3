(print ' )
