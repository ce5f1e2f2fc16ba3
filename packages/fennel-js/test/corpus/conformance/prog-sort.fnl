(fn quicksort [t]
  (if (<= (length t) 1) t
      (let [[pivot & rest] t
            lo (icollect [_ x (ipairs rest)] (when (< x pivot) x))
            hi (icollect [_ x (ipairs rest)] (when (>= x pivot) x))
            out (quicksort lo)]
        (table.insert out pivot)
        (each [_ x (ipairs (quicksort hi))] (table.insert out x))
        out)))
(print (table.concat (quicksort [5 3 9 1 5 8 2 7]) " "))
