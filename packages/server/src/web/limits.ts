// The bounds on the web view's expensive pages, in one place: how long one
// request's git work may run. Tests shorten them to reach the limits with
// real git; everything else reads them (docs/WEB.md lists them).

export const WEB_LIMITS = {
  /** One blame (then 503). */
  blameMs: 15_000,
  /** One page of line-range history (then what was found, marked partial). */
  lineHistoryMs: 8_000,
  /** One archive download, start to end. */
  archiveMs: 10 * 60_000,
  /** One smart-HTTP request (ref advertisement or pack). */
  uploadPackMs: 10 * 60_000,
};
