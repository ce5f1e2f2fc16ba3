{:my-mac (fn [x] `(* ,x 100))
 :other (fn [] "other-macro")}
