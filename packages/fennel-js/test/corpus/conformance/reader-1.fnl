#!/usr/bin/env fennel
(print "shebang ok")
