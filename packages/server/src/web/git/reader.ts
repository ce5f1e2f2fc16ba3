// The web view's one reader of a repository: refs (cached until a push),
// objects through the repository's cat-file process, commits parsed and kept
// (they never change), paths walked tree by tree, and bounded git commands.
// Pages read git only through this class; none spawns git itself.
import { LRUCache } from "lru-cache";
import type { HostedRepo } from "../../git/repos.js";
import { CatFile, type GitObject } from "./cat-file.js";
import { DiffTreeProcess, type DiffTreeResult } from "./diff-tree.js";
import { runGitBounded, streamGit, type GitRunOptions, type GitRunResult, type GitStream } from "./command.js";
import { parseCommit, parseTag, parseTree, type Commit, type TreeEntry } from "./objects.js";
import { FOR_EACH_REF_ARGS, parseRefs, readHead, splitRef, type RefList, type RefTarget } from "./refs.js";

/** Where a path leads inside a commit's tree. `entry` is null for the root. */
export interface PathTarget {
  oid: string;
  kind: TreeEntry["kind"];
  entry: TreeEntry | null;
}

export class RepoReader {
  readonly name: string;
  /** The name without `.git`, as URLs spell it. */
  readonly slug: string;
  readonly dir: string;
  private readonly catFile: CatFile;
  private diffs: DiffTreeProcess | undefined;
  private readonly idleMs: number | undefined;
  private refList: Promise<RefList> | undefined;
  private readonly commits = new LRUCache<string, Commit>({ max: 5000 });
  private readonly trees = new LRUCache<string, TreeEntry[]>({ max: 2000 });
  /** Bumped by every invalidate(); caches built on the refs key on it. */
  generation = 0;

  constructor(repo: HostedRepo, options: { idleMs?: number } = {}) {
    this.name = repo.name;
    this.slug = repo.name.replace(/\.git$/, "");
    this.dir = repo.dir;
    this.catFile = new CatFile(repo.dir, options);
    this.idleMs = options.idleMs;
  }

  /** The refs and HEAD, read once per generation. */
  refs(): Promise<RefList> {
    this.refList ??= (async () => {
      const [out, head] = await Promise.all([this.git(FOR_EACH_REF_ARGS), readHead(this.dir)]);
      if (out.exitCode !== 0) throw new Error(`git for-each-ref failed in ${this.name}: ${out.stderr.trim()}`);
      return parseRefs(out.stdout.toString("utf8"), head);
    })().catch((e: unknown) => {
      this.refList = undefined;
      throw e;
    });
    return this.refList;
  }

  /** Forget the refs (a push moved them). Objects stay: they never change. */
  invalidate(): void {
    this.refList = undefined;
    this.generation++;
  }

  /** Split URL segments into a ref or full sha and a path (longest existing ref wins). */
  async splitRef(segments: string[]): Promise<RefTarget | undefined> {
    return splitRef(await this.refs(), segments);
  }

  object(oid: string): Promise<GitObject | null> {
    return this.catFile.read(oid);
  }

  /** The commit `oid`, peeling annotated tags; null when there is no such commit. */
  async commit(oid: string): Promise<Commit | null> {
    const known = this.commits.get(oid);
    if (known !== undefined) return known;
    let obj = await this.catFile.read(oid);
    for (let depth = 0; obj !== null && obj.type === "tag" && depth < 10; depth++) obj = await this.catFile.read(parseTag(obj.oid, obj.data).object);
    if (obj === null || obj.type !== "commit") return null;
    const commit = parseCommit(obj.oid, obj.data);
    this.commits.set(oid, commit);
    if (obj.oid !== oid) this.commits.set(obj.oid, commit);
    return commit;
  }

  /** The entries of tree `oid`, or null when it is not a tree. */
  async tree(oid: string): Promise<TreeEntry[] | null> {
    const known = this.trees.get(oid);
    if (known !== undefined) return known;
    const obj = await this.catFile.read(oid);
    if (obj === null || obj.type !== "tree") return null;
    const entries = parseTree(obj.data, oid.length / 2);
    this.trees.set(oid, entries);
    return entries;
  }

  /** Blob bytes, or null when `oid` is not a blob. */
  async blob(oid: string): Promise<Buffer | null> {
    const obj = await this.catFile.read(oid);
    return obj !== null && obj.type === "blob" ? obj.data : null;
  }

  /** Object size and type without reading it. */
  info(oid: string) {
    return this.catFile.info(oid);
  }

  /**
   * Walk `path` (raw name bytes per segment) from the commit's root tree.
   * Null when a segment is missing or a non-tree is walked through.
   */
  async walk(commit: Commit, path: Buffer[]): Promise<PathTarget | null> {
    let target: PathTarget = { oid: commit.tree, kind: "tree", entry: null };
    for (const segment of path) {
      if (target.kind !== "tree") return null;
      const entries = await this.tree(target.oid);
      const entry = entries?.find((e) => e.name.equals(segment));
      if (entry === undefined) return null;
      target = { oid: entry.oid, kind: entry.kind, entry };
    }
    return target;
  }

  /** Run a git command in this repository, bounded (see command.ts). */
  git(args: string[], options?: GitRunOptions): Promise<GitRunResult> {
    return runGitBounded(this.dir, args, options);
  }

  /** Start a git command whose output is streamed to the client. */
  stream(args: string[], options?: GitRunOptions): Promise<GitStream> {
    return streamGit(this.dir, args, options);
  }

  /** Diff `commit` against `parent` (null: its first parent, or nothing for a root) through the long-lived diff-tree. */
  diffTree(commit: string, parent: string | null, limits: { maxBytes: number; timeoutMs: number }): Promise<DiffTreeResult> {
    this.diffs ??= new DiffTreeProcess(this.dir, { idleMs: this.idleMs });
    return this.diffs.diff(commit, parent, limits);
  }

  close(): void {
    this.catFile.close();
    this.diffs?.close();
  }
}
