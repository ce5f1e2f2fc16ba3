;; fennel.getinfo of a suspended coroutine: level 1 is the function that
;; yielded, with Fennel's lines.
(local fennel (require :fennel))

(fn coro []
  (coroutine.yield)
  (print :never))

(let [c (coroutine.create coro)]
  (coroutine.resume c)
  (let [info (fennel.getinfo c 1)]
    (print info.currentline info.linedefined info.lastlinedefined info.what info.short_src
           info.nparams info.isvararg (= info.func coro))))
