(print
  (case)
  )
