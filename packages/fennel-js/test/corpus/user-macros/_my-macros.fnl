(fn double [x] `(* 2 ,x))
(fn add-all [...] `(+ ,...))
{: double : add-all}
