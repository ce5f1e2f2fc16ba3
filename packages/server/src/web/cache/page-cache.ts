// Rendered pages kept in memory. Pages addressed by a full sha never change
// and stay until evicted; pages addressed by a ref are kept for one
// generation of the repository's refs, which a push ends (git/reader.ts).
import { LRUCache } from "lru-cache";

/** How a page may be cached, decided by what addressed it. */
export type CachePolicy = "sha" | "ref" | "none";

export interface CachedPage {
  status: number;
  headers: [string, string][];
  body: Buffer;
  /** The repository generation the page was rendered at ("sha" pages ignore it). */
  generation: number;
  policy: Exclude<CachePolicy, "none">;
}

export interface PageCacheOptions {
  /** Total bytes of page bodies kept (default 64 MiB). */
  maxBytes?: number;
  /** Pages larger than this are never kept (default 2 MiB). */
  maxPageBytes?: number;
}

export class PageCache {
  private readonly pages: LRUCache<string, CachedPage>;
  readonly maxPageBytes: number;
  hits = 0;
  misses = 0;

  constructor(options: PageCacheOptions = {}) {
    this.maxPageBytes = options.maxPageBytes ?? 2 * 1024 * 1024;
    this.pages = new LRUCache<string, CachedPage>({
      maxSize: options.maxBytes ?? 64 * 1024 * 1024,
      sizeCalculation: (p) => p.body.length + 256,
    });
  }

  /** The page under `key` if it is still true at `generation`. */
  get(key: string, generation: number): CachedPage | undefined {
    const page = this.pages.get(key);
    if (page !== undefined && (page.policy === "sha" || page.generation === generation)) {
      this.hits++;
      return page;
    }
    if (page !== undefined) this.pages.delete(key);
    this.misses++;
    return undefined;
  }

  set(key: string, page: CachedPage): void {
    if (page.body.length <= this.maxPageBytes) this.pages.set(key, page);
  }

  clear(): void {
    this.pages.clear();
  }
}
