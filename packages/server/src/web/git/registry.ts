// The readers of every hosted repository, opened on first use by name (the
// name rules and the inside-repos-dir check of git/repos.ts apply), dropped
// when the repository disappears, and invalidated when a push lands.
import { existsSync } from "node:fs";
import { RepoNameError, RepoNotFoundError } from "../../git/errors.js";
import { listRepos, openRepo } from "../../git/repos.js";
import { parseRepoName } from "../../git/names.js";
import { RepoReader } from "./reader.js";

export class GitRegistry {
  readonly reposDir: string;
  private readonly readers = new Map<string, RepoReader>();
  private readonly idleMs: number | undefined;

  constructor(reposDir: string, options: { idleMs?: number } = {}) {
    this.reposDir = reposDir;
    this.idleMs = options.idleMs;
  }

  /**
   * The reader of repository `name` (with or without `.git`), or null when
   * the name breaks the rules or names no repository.
   */
  async open(name: string): Promise<RepoReader | null> {
    let canonical: string;
    try {
      canonical = parseRepoName(name).name;
    } catch (e) {
      if (e instanceof RepoNameError) return null;
      throw e;
    }
    const known = this.readers.get(canonical);
    if (known !== undefined) {
      if (existsSync(known.dir)) return known;
      known.close();
      this.readers.delete(canonical);
    }
    try {
      const repo = await openRepo(this.reposDir, canonical);
      const reader = new RepoReader(repo, { idleMs: this.idleMs });
      this.readers.set(canonical, reader);
      return reader;
    } catch (e) {
      if (e instanceof RepoNotFoundError || e instanceof RepoNameError) return null;
      throw e;
    }
  }

  /** Every hosted repository's reader, sorted by name. */
  async all(): Promise<RepoReader[]> {
    const repos = await listRepos(this.reposDir);
    const out: RepoReader[] = [];
    for (const repo of repos) {
      const reader = await this.open(repo.name);
      if (reader !== null) out.push(reader);
    }
    return out;
  }

  /** A push moved refs of `name`: forget what was read from them. */
  invalidate(name: string): void {
    try {
      this.readers.get(parseRepoName(name).name)?.invalidate();
    } catch {
      // A name that breaks the rules has no reader to invalidate.
    }
  }

  close(): void {
    for (const reader of this.readers.values()) reader.close();
    this.readers.clear();
  }
}
