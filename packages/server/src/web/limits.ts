// The bounds on the web view's expensive pages, in one place: how long one
// request's git work may run. Tests shorten them to reach the limits with
// real git; everything else reads them (docs/WEB.md lists them).

export const WEB_LIMITS = {
  /** One blame (then 503). */
  blameMs: 15_000,
  /** One log walk: `git log` of a path, `--follow` of a file, or a deep ref page (then what was found, marked partial). */
  logMs: 10_000,
  /** One commit's diff on the commit page (then what was read, with a note). */
  diffMs: 10_000,
  /** One whole diff (`?full=1`), counted as expensive work. */
  fullDiffMs: 20_000,
  /** One page of line-range history (then what was found, marked partial). */
  lineHistoryMs: 8_000,
  /** One archive download, start to end. */
  archiveMs: 10 * 60_000,
  /** One smart-HTTP request (ref advertisement or pack). */
  uploadPackMs: 10 * 60_000,
};
