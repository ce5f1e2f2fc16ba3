{:answer 42}
