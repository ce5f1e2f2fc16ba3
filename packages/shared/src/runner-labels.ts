// Runner labels: what `quire runner start --labels` declares and what
// `:runs-on` (a repository's config, or ci.options) asks for. A run goes to a
// runner whose labels include every label the run asks for.

/** A label: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit, at most 63 characters. */
export const RUNNER_LABEL = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function isRunnerLabel(value: unknown): value is string {
  return typeof value === "string" && RUNNER_LABEL.test(value);
}

/** True when `have` includes every label of `want`. */
export function labelsCover(have: readonly string[], want: readonly string[]): boolean {
  return want.every((l) => have.includes(l));
}
