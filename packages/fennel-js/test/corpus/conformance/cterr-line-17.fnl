(collect [k v (pairs {})])
