// The nearest valid name to a mistyped one, for "did you mean …?" hints:
// optimal string alignment distance (Damerau–Levenshtein with adjacent
// transpositions), with prefixes counted as close.

/** Edit distance with insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidate to `input`, or undefined when none is close enough to be a likely typo. */
export function nearest(input: string, candidates: readonly string[]): string | undefined {
  const want = input.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const cand = c.toLowerCase();
    // A prefix of at least two characters ("--js" for "--json") is as good as one typo.
    const score = want.length >= 2 && cand.startsWith(want) ? 1 : editDistance(want, cand);
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  const allowed = Math.min(3, Math.floor(want.replace(/^-+/, "").length / 4) + 1);
  return bestScore <= allowed ? best : undefined;
}

/** `; did you mean "x"?`, or nothing. */
export function didYouMean(input: string, candidates: readonly string[]): string {
  const n = nearest(input, candidates);
  return n === undefined ? "" : `; did you mean ${JSON.stringify(n)}?`;
}
