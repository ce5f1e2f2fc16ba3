// `quire repo new|list|rm|hooks`: manage the hosted bare repositories.
// The rules live in ../git/names.ts, the work in ../git/repos.ts.
import { mkdir } from "node:fs/promises";
import { RepoExistsError, RepoNameError, RepoNotFoundError } from "../git/errors.js";
import { installHooks } from "../git/hooks.js";
import { createRepo, listRepos, openRepo, removeRepo } from "../git/repos.js";
import { UsageError, type Command, type CliContext } from "./context.js";

const USAGE = "usage: quire repo new NAME | list [--json] | rm NAME | hooks [NAME…]";

function one(args: string[], what: string): string {
  if (args.length !== 1) throw new UsageError(`quire repo ${what} takes one repository name\n${USAGE}`);
  return args[0]!;
}

async function run(ctx: CliContext): Promise<number> {
  const [sub, ...args] = ctx.args;
  const reposDir = ctx.paths.repos;
  switch (sub) {
    case "new": {
      await mkdir(reposDir, { recursive: true });
      const repo = await createRepo(reposDir, one(args, "new"), { dataDir: ctx.paths.dataDir });
      ctx.stdout.write(`created ${repo.name} at ${repo.dir}\n`);
      return 0;
    }
    case "list":
    case "ls": {
      const json = args.includes("--json");
      const extra = args.filter((a) => a !== "--json");
      if (extra.length > 0) throw new UsageError(`quire repo list takes no arguments but --json (got ${JSON.stringify(extra[0])})`);
      const repos = await listRepos(reposDir);
      if (json) ctx.stdout.write(JSON.stringify(repos.map((r) => ({ name: r.name, group: r.group, path: r.dir }))) + "\n");
      else if (repos.length === 0) ctx.stderr.write(`no repositories in ${reposDir}; create one with \`quire repo new NAME\`\n`);
      else for (const r of repos) ctx.stdout.write(`${r.name}\n`);
      return 0;
    }
    case "rm":
    case "remove": {
      const repo = await removeRepo(reposDir, one(args, "rm"));
      ctx.stdout.write(`removed ${repo.name} (its run records and logs stay)\n`);
      return 0;
    }
    case "hooks": {
      const repos = args.length === 0 ? await listRepos(reposDir) : await Promise.all(args.map((a) => openRepo(reposDir, a)));
      for (const r of repos) {
        await installHooks(r.dir, { dataDir: ctx.paths.dataDir });
        ctx.stdout.write(`hooks installed in ${r.name}\n`);
      }
      return 0;
    }
    case undefined:
      throw new UsageError(USAGE);
    default:
      throw new UsageError(`unknown repo subcommand ${JSON.stringify(sub)}\n${USAGE}`);
  }
}

export const repoCommand: Command = async (ctx) => {
  try {
    return await run(ctx);
  } catch (e) {
    if (e instanceof RepoNameError || e instanceof RepoNotFoundError || e instanceof RepoExistsError) {
      ctx.stderr.write(`quire repo: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
};
