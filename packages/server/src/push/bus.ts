// In-process news of pushes: the push path emits once a push to an existing
// repository and its runs are committed (never for one that rolled back, nor
// twice for a push id sent again); the web view (ref caches) and anything else that
// reacts to pushes subscribe. Subscribers must not throw into the push path.
import type { PushEvent } from "@quire/shared";

export type PushSubscriber = (repo: string, event: PushEvent) => void;

export class PushBus {
  private readonly subscribers = new Set<PushSubscriber>();

  /** Call `fn` for every push from now on; returns how to stop. */
  subscribe(fn: PushSubscriber): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  emit(repo: string, event: PushEvent, log?: (line: string) => void): void {
    for (const fn of this.subscribers) {
      try {
        fn(repo, event);
      } catch (e) {
        log?.(`push subscriber failed for ${repo}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}
