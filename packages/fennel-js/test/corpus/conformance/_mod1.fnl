(local name ...)
(fn greet [who] (.. "hello " who))
{: greet :name name :count 1}
