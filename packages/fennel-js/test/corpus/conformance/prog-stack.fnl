(local Stack {})
(set Stack.__index Stack)
(fn Stack.new [] (setmetatable {:items [] :size 0} Stack))
(fn Stack.push [self x] (set self.size (+ self.size 1)) (tset self.items self.size x) self)
(fn Stack.pop [self]
  (when (> self.size 0)
    (let [x (. self.items self.size)]
      (tset self.items self.size nil)
      (set self.size (- self.size 1))
      x)))
(local s (-> (Stack.new) (: :push 1) (: :push 2) (: :push 3)))
(print (s:pop) (s:pop) s.size (s:pop) (s:pop))
