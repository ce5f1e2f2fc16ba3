// Marks a declaration may carry in `tags`, read by the dispatcher (../main.ts).

/** A command that works on the caller's checkout: never reachable through `quire exec` (SSH). */
export const LOCAL_ONLY = "local-only";
