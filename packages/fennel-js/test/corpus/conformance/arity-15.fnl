(for)
