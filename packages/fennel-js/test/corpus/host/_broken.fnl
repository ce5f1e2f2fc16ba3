(fn f [x]
  (+ x not-defined-anywhere))

{: f}
