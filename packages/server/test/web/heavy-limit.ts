// Fills the server-wide limit on expensive git work (every running slot and
// every waiting place) for the length of `fn`, so a test can see what one
// more expensive request gets; then frees it all again.
import { heavyLimiter } from "../../src/web/git/command.js";

export async function whileHeavyWorkIsFull(fn: () => Promise<void>): Promise<void> {
  const releases: (() => void)[] = [];
  const waiting: Promise<void>[] = [];
  for (let i = 0; i < heavyLimiter.max; i++) releases.push(await heavyLimiter.acquire());
  for (let i = 0; i < heavyLimiter.maxWaiting; i++) waiting.push(heavyLimiter.acquire().then((release) => void releases.push(release)));
  try {
    await fn();
  } finally {
    // Each release hands the slot to the next waiter, whose own release then joins the list.
    while (releases.length > 0) {
      releases.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(waiting);
  }
}
