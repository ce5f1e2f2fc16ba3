// The words for a run that was stopped, wherever they are printed (the push
// hook, `quire ci retry`, `quire ci cancel`, the server log): "superseded run
// X (active since 2m)", "cancelled". Pure: the hook loads this on every push.

/** A short age: 45s, 2m, 1h5m, 3d. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  return `${Math.floor(h / 24)}d`;
}

/** `superseded run X (active since 2m)`. */
export function supersededMessage(run: { id: string; from: string; sinceMs: number }, nowMs: number = Date.now()): string {
  return `superseded run ${run.id} (${run.from} since ${formatAge(nowMs - run.sinceMs)})`;
}

/** `cancelled run X (active since 2m)`. */
export function cancelledMessage(run: { id: string; from: string; sinceMs: number }, nowMs: number = Date.now()): string {
  return `cancelled run ${run.id} (${run.from} since ${formatAge(nowMs - run.sinceMs)})`;
}
