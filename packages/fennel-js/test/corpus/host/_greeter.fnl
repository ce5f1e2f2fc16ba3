(local greeting "hello")

(fn greet [name]
  (.. greeting ", " name))

{: greet :loaded-as (select 1 ...)}
