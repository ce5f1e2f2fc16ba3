// Public API of this package; filled in by its issues.
export {};
