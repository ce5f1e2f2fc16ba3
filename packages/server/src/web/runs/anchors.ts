// Element ids on the run page, from job ids (any text without "/"): letters,
// digits and "-" stay, every other byte becomes "_XX", so ids never hold
// whitespace or "%" and need no escaping in a URL fragment.

function idPart(jobId: string): string {
  let out = "";
  for (const b of Buffer.from(jobId, "utf8")) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9-]/.test(c) ? c : `_${b.toString(16).padStart(2, "0")}`;
  }
  return out;
}

/** The section of a job: `job-<id>`. */
export function jobAnchor(jobId: string): string {
  return `job-${idPart(jobId)}`;
}

/** The block of one sh of a job: `sh-<id>-<n>`. */
export function shAnchor(jobId: string, n: number): string {
  return `sh-${idPart(jobId)}-${n}`;
}

/** A log's prefix for line anchors: sh `n` of a job, or the job's `(log …)` output when `n` is 0. */
export function logAnchor(jobId: string, n: number): string {
  return n === 0 ? `out-${idPart(jobId)}` : `log-${idPart(jobId)}-${n}`;
}
