// The `:mirrors` key (SPEC §10), in a repo's .quire/config.fnl or as the
// global default in config.fnl: mirror targets with their secret, ref filter
// and deletion opt-in, checked so that no credential ever sits in a URL.
import { isTable, stringList, typeName, type ConfigReport } from "./fennel-table.js";

/** One place every updated ref of a repository is pushed to. */
export interface MirrorTarget {
  /** As written; a global default may hold `{repo}` and `{name}`. Never holds a credential. */
  url: string;
  /** Secret (in :secrets) that authenticates: a token for http(s), a private key for ssh; null: none. */
  secret: string | null;
  /** Ref patterns such as `refs/heads/main` or `refs/tags/*`; null: every updated ref. */
  refs: string[] | null;
  /** Also delete on the target the refs deleted here (default false). */
  deletions: boolean;
}

export type MirrorTransport = "http" | "ssh" | "file";

/** How git reaches `url`, or undefined when quire does not push there. */
export function mirrorTransport(url: string): MirrorTransport | undefined {
  // `<helper>::<address>` names a remote helper (ext::, fd::…): never a mirror.
  if (url.includes("::")) return undefined;
  if (/^https?:\/\//i.test(url)) return "http";
  if (/^ssh:\/\//i.test(url)) return "ssh";
  if (/^file:\/\//i.test(url) || url.startsWith("/")) return "file";
  // scp-like `git@host:path` (no slash before the colon), as git reads it.
  if (/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^/]/.test(url) || /^[A-Za-z0-9.-]+:[^/]/.test(url)) return "ssh";
  return undefined;
}

const PLACEHOLDER = /\{([^}]*)\}/g;
const PLACEHOLDERS = ["repo", "name"];

/** Why `url` cannot be a mirror target, or undefined when it can. */
export function mirrorUrlProblem(url: string, allowPlaceholders: boolean): string | undefined {
  if (url === "") return "a mirror URL may not be empty";
  if (/[\s\0-\x1f\x7f]/.test(url)) return `mirror URL ${JSON.stringify(url)} holds whitespace or a control character`;
  if (url.startsWith("-")) return `mirror URL ${JSON.stringify(url)} starts with "-"`;
  const transport = mirrorTransport(url);
  if (transport === undefined) {
    return `mirror URL ${JSON.stringify(url)} is not https://, http://, ssh://, file:// or user@host:path`;
  }
  if (transport === "http") {
    const authority = url.replace(/^https?:\/\//i, "").split("/")[0]!;
    if (authority.includes("@")) {
      return `mirror URL ${JSON.stringify(url.replace(/\/\/[^/]*@/, "//…@"))} carries credentials: remove them from the URL, put the token in :secrets and name it, e.g. {"https://host/x.git" :my-token}`;
    }
  }
  for (const m of url.matchAll(PLACEHOLDER)) {
    if (!allowPlaceholders) return `mirror URL ${JSON.stringify(url)} holds {${m[1]}}: placeholders belong in the global default of config.fnl only`;
    if (!PLACEHOLDERS.includes(m[1]!)) return `mirror URL ${JSON.stringify(url)} holds {${m[1]}}: the placeholders are {repo} and {name}`;
  }
  return undefined;
}

/** Why `pattern` cannot be a ref filter, or undefined. */
export function refPatternProblem(pattern: string): string | undefined {
  if (!pattern.startsWith("refs/")) return `ref pattern ${JSON.stringify(pattern)} must start with "refs/", e.g. "refs/heads/main" or "refs/tags/*"`;
  if (/[\s\0-\x1f\x7f:^~?[\\+]/.test(pattern) || pattern.includes("..")) {
    return `ref pattern ${JSON.stringify(pattern)} holds a character git refs may not (space, :, ^, ~, ?, [, \\, +, ..); "*" matches any run of characters`;
  }
  return undefined;
}

/** Does `ref` pass the target's filter? `*` matches any run of characters, `/` included. */
export function refSelected(target: Pick<MirrorTarget, "refs">, ref: string): boolean {
  if (target.refs === null) return true;
  return target.refs.some((p) => {
    const re = new RegExp(`^${p.split("*").map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
    return re.test(ref);
  });
}

/** `{repo}` (name without .git, group included) and `{name}` (last part without .git) filled in. */
export function expandMirrorUrl(url: string, repo: string): string {
  const bare = repo.replace(/\.git$/, "");
  return url.replaceAll("{repo}", bare).replaceAll("{name}", bare.split("/").pop()!);
}

const LONG_FORM_KEYS = ["secret", "refs", "deletions"];

function readSpec(url: string, spec: unknown, report: ConfigReport): Omit<MirrorTarget, "url"> | undefined {
  const at = (message: string) => report.problem(url, message);
  if (typeof spec === "string" && spec !== "") return { secret: spec, refs: null, deletions: false };
  if (spec === true) return { secret: null, refs: null, deletions: false };
  if (!isTable(spec)) {
    at(`mirror ${JSON.stringify(url)} needs a secret name, true (no credentials) or {:secret :name :refs [...] :deletions true}, got ${typeName(spec)}`);
    return undefined;
  }
  let ok = true;
  for (const key of Object.keys(spec)) {
    if (!LONG_FORM_KEYS.includes(key)) {
      at(`mirror ${JSON.stringify(url)}: unknown key :${key} (known: :secret :refs :deletions)`);
      ok = false;
    }
  }
  const { secret, refs, deletions } = spec;
  if (secret !== undefined && (typeof secret !== "string" || secret === "")) {
    at(`mirror ${JSON.stringify(url)}: :secret must name a secret of :secrets, got ${typeName(secret)}`);
    ok = false;
  }
  const patterns = refs === undefined ? null : stringList(refs);
  if (patterns === undefined || (patterns !== null && patterns.length === 0)) {
    at(`mirror ${JSON.stringify(url)}: :refs must be a non-empty sequence such as ["refs/heads/main" "refs/tags/*"], got ${typeName(refs)}`);
    ok = false;
  } else {
    for (const p of patterns ?? []) {
      const problem = refPatternProblem(p);
      if (problem !== undefined) {
        at(`mirror ${JSON.stringify(url)}: ${problem}`);
        ok = false;
      }
    }
  }
  if (deletions !== undefined && typeof deletions !== "boolean") {
    at(`mirror ${JSON.stringify(url)}: :deletions must be true or false, got ${typeName(deletions)}`);
    ok = false;
  }
  if (!ok) return undefined;
  return { secret: (secret as string | undefined) ?? null, refs: patterns ?? null, deletions: deletions === true };
}

/**
 * Read a `:mirrors` value: `{"https://host/x.git" :secret-name}`, or the long
 * form `{"https://host/x.git" {:secret :tok :refs ["refs/heads/main"] :deletions true}}`,
 * or `true` in place of the secret for a target that needs none. Problems go
 * to `report` at the key or URL they are about; undefined when there were any.
 */
export function readMirrors(value: unknown, report: ConfigReport, options: { allowPlaceholders: boolean }): MirrorTarget[] | undefined {
  if ((Array.isArray(value) && value.length === 0) || (isTable(value) && Object.keys(value).length === 0)) return [];
  if (!isTable(value)) {
    report.problem("mirrors", `:mirrors must be a table of URL → secret name, e.g. {"https://github.com/me/x.git" :github-token}, got ${typeName(value)}`);
    return undefined;
  }
  const targets: MirrorTarget[] = [];
  let ok = true;
  for (const [url, spec] of report.entries(value)) {
    const problem = mirrorUrlProblem(url, options.allowPlaceholders);
    if (problem !== undefined) {
      report.problem(url, problem);
      ok = false;
      continue;
    }
    const read = readSpec(url, spec, report);
    if (read === undefined) ok = false;
    else {
      if (read.secret !== null && mirrorTransport(url) === "file") report.warn(url, `mirror ${JSON.stringify(url)} is a local path: its secret ${JSON.stringify(read.secret)} is not used`);
      if (read.secret !== null && /^http:\/\//i.test(url) && !/^http:\/\/(127\.|localhost[:/]|\[::1\])/i.test(url)) {
        report.warn(url, `mirror ${JSON.stringify(url)} is plain http: its token would cross the network unencrypted; use https://`);
      }
      targets.push({ url, ...read });
    }
  }
  return ok ? targets : undefined;
}
