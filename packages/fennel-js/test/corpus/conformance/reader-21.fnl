(print (#:kw))
(print (#42))
(print ((fn [] (#nil))))
