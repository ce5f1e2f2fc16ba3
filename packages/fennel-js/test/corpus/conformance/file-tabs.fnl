(print "tab	separated")
	(print "indented with tab")
