// Who may read a repository: its default branch's `.quire/config.fnl` decides
// (`:private`, `:public-runs`), read once per push and per config blob. A
// config whose `:private` cannot be read (it does not evaluate, or `:private`
// is not a boolean) makes the repository private: privacy fails closed.
import { LRUCache } from "lru-cache";
import { parseRepoConfig, REPO_CONFIG_PATH, type RepoConfigResult } from "../../config/repo-config.js";
import type { RepoReader } from "../git/reader.js";
import type { Identity } from "./identity.js";

export interface RepoAccess {
  /** A 404 to anonymous readers. */
  private: boolean;
  /** CI pages readable without an identity. */
  publicRuns: boolean;
  /** Why the config could not be used, as `file:line:col: message` (shown to identified readers). */
  problems: string[];
}

const PUBLIC: RepoAccess = Object.freeze({ private: false, publicRuns: false, problems: [] }) as RepoAccess;
const CONFIG_SEGMENTS = REPO_CONFIG_PATH.split("/").map((s) => Buffer.from(s));

export class AccessRules {
  private readonly byBlob = new LRUCache<string, Promise<RepoConfigResult>>({ max: 500 });
  private readonly byRepo = new LRUCache<string, Promise<RepoAccess>>({ max: 2000 });

  /** The access rules of `reader`'s repository as of its current refs. */
  access(reader: RepoReader): Promise<RepoAccess> {
    const key = `${reader.name}\0${reader.generation}`;
    let found = this.byRepo.get(key);
    if (found === undefined) {
      found = this.read(reader).catch((e: unknown) => {
        this.byRepo.delete(key);
        throw e;
      });
      this.byRepo.set(key, found);
    }
    return found;
  }

  /** May `identity` read the repository at all? */
  async canRead(reader: RepoReader, identity: Identity | null): Promise<boolean> {
    return identity !== null || !(await this.access(reader)).private;
  }

  /** May `identity` read the repository's CI runs and logs? */
  async canReadRuns(reader: RepoReader, identity: Identity | null): Promise<boolean> {
    if (identity !== null) return true;
    const access = await this.access(reader);
    return !access.private && access.publicRuns;
  }

  private async read(reader: RepoReader): Promise<RepoAccess> {
    const refs = await reader.refs();
    const head = refs.byName.get(refs.head);
    if (head === undefined) return PUBLIC;
    const commit = await reader.commit(head.commit);
    if (commit === null) return PUBLIC;
    const target = await reader.walk(commit, CONFIG_SEGMENTS);
    if (target === null || target.kind === "tree" || target.kind === "submodule") return PUBLIC;
    let parsed = this.byBlob.get(target.oid);
    if (parsed === undefined) {
      const oid = target.oid;
      parsed = reader.blob(oid).then((bytes) => parseRepoConfig(bytes === null ? "" : bytes.toString("utf8")));
      this.byBlob.set(oid, parsed);
    }
    const { config, problems, privacyKnown } = await parsed;
    // Privacy fails closed only when :private itself is in doubt; :public-runs in doubt stays off.
    return { private: config.private || !privacyKnown, publicRuns: config.publicRuns, problems };
  }
}
