(print (+ 1 2) ; fine
       [3 4] ; fine
  {5 6} ; fine
  }
