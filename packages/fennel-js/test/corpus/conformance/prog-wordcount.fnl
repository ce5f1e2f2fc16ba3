(local text "the quick brown fox jumps over the lazy dog the end")
(local counts {})
(each [w (text:gmatch "%a+")]
  (tset counts w (+ 1 (or (. counts w) 0))))
(local words (icollect [w (pairs counts)] w))
(table.sort words (fn [a b] (if (= (. counts a) (. counts b)) (< a b) (> (. counts a) (. counts b)))))
(each [_ w (ipairs words)] (print w (. counts w)))
