// Wake-ups for runners' long-poll claims: whoever makes remote work (the
// queue routing a run to runners, a re-queue, a released claim) calls
// notify(); a claim waits until then or its timeout, whichever comes first.

export class RemoteWork {
  private waiters = new Set<() => void>();

  /** Wake every waiting claim. */
  notify(): void {
    const all = this.waiters;
    this.waiters = new Set();
    for (const w of all) w();
  }

  /** Resolves on the next notify() or after `ms`, or when `signal` aborts. */
  wait(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }
}
