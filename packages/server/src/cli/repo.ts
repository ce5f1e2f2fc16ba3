// `quire repo new|list|rm|hooks` (declared in ./commands/repo.ts): manage the
// hosted bare repositories. The rules live in ../git/names.ts, the work in
// ../git/repos.ts.
import { mkdir } from "node:fs/promises";
import { installHooks } from "../git/hooks.js";
import { createRepo, listRepos, openRepo, removeRepo } from "../git/repos.js";
import type { CommandRun } from "./context.js";

/** `quire repo new NAME`. */
export const repoNew: CommandRun = async (ctx) => {
  await mkdir(ctx.paths.repos, { recursive: true });
  const repo = await createRepo(ctx.paths.repos, ctx.input.arg("name")!, { dataDir: ctx.paths.dataDir });
  ctx.stdout.write(`created ${repo.name} at ${repo.dir}\n`);
  return 0;
};

/** `quire repo list [--json]`. */
export const repoList: CommandRun = async (ctx) => {
  const repos = await listRepos(ctx.paths.repos, (name, reason) => ctx.stderr.write(`quire: not listed: ${name}: ${reason}\n`));
  if (ctx.input.flag("json")) ctx.stdout.write(JSON.stringify(repos.map((r) => ({ name: r.name, group: r.group, path: r.dir }))) + "\n");
  else if (repos.length === 0) ctx.stderr.write(`no repositories in ${ctx.paths.repos}; create one with \`quire repo new NAME\`\n`);
  else for (const r of repos) ctx.stdout.write(`${r.name}\n`);
  return 0;
};

/** `quire repo rm NAME`. */
export const repoRemove: CommandRun = async (ctx) => {
  const repo = await removeRepo(ctx.paths.repos, ctx.input.arg("name")!);
  ctx.stdout.write(`removed ${repo.name} (its run records and logs stay)\n`);
  return 0;
};

/** `quire repo hooks [NAME…]`. */
export const repoHooks: CommandRun = async (ctx) => {
  const names = ctx.input.args("names");
  const skip = (name: string, reason: string) => ctx.stderr.write(`quire: no hooks written in ${name}: ${reason}\n`);
  const repos = names.length === 0 ? await listRepos(ctx.paths.repos, skip) : await Promise.all(names.map((a) => openRepo(ctx.paths.repos, a)));
  for (const r of repos) {
    await installHooks(r.dir, { dataDir: ctx.paths.dataDir });
    ctx.stdout.write(`hooks installed in ${r.name}\n`);
  }
  return 0;
};
