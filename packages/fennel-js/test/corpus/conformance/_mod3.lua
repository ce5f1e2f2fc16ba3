return { lua = "from lua module" }
