(quote)
