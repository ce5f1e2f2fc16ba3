// Shell completion from the declaration. The scripts for bash, zsh and fish
// are thin: each hands the words typed so far to `<program> __complete -- …`
// and shows what it prints, so commands, options and values complete from
// the same table that parses them. Output protocol: one candidate a line,
// `value<TAB>description`; or a single directive line `:file` / `:dir` to let
// the shell complete paths.
import { optionsOf } from "./parse.js";
import type { CommandSpec, OptionSpec, PositionalSpec, ProgramSpec, ValueCompletion } from "./spec.js";

export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

/** The hidden command the scripts call. */
export const COMPLETE_COMMAND = "__complete";

export interface Candidate {
  value: string;
  description?: string;
}

export type CompletionResult = { directive: "file" | "dir" } | { candidates: Candidate[] };

/** Values for completers other than file/dir (e.g. "repo"), given the global options typed so far. */
export type DynamicValues = (kind: ValueCompletion, globals: ReadonlyMap<string, string>) => Promise<readonly string[]>;

function findSub(group: CommandSpec<unknown>, word: string): CommandSpec<unknown> | undefined {
  return group.subcommands?.find((c) => c.name === word || (c.aliases ?? []).includes(word));
}

async function valuesFor(spec: OptionSpec | PositionalSpec, current: string, globals: ReadonlyMap<string, string>, dynamic: DynamicValues | undefined): Promise<CompletionResult> {
  if (spec.choices) return { candidates: spec.choices.filter((c) => c.startsWith(current)).map((value) => ({ value })) };
  if (spec.complete === "file" || spec.complete === "dir") return { directive: spec.complete as "file" | "dir" };
  if (spec.complete === undefined || dynamic === undefined) return { candidates: [] };
  const values = await dynamic(spec.complete, globals).catch(() => [] as string[]);
  return { candidates: values.filter((v) => v.startsWith(current)).map((value) => ({ value })) };
}

/** What completes the last of `words` (the word being typed; the program name is not included). */
export async function completeWords(program: ProgramSpec<unknown>, words: readonly string[], dynamic?: DynamicValues): Promise<CompletionResult> {
  const current = words[words.length - 1] ?? "";
  const before = words.slice(0, -1);
  let command: CommandSpec<unknown> = program;
  let positionals = 0;
  let pending: OptionSpec | undefined;
  let afterDashes = false;
  const globals = new Map<string, string>();
  let pendingName = "";
  for (const w of before) {
    if (pending !== undefined) {
      if (program.globalOptions?.[pendingName] !== undefined) globals.set(pendingName, w);
      pending = undefined;
      continue;
    }
    if (!afterDashes && w === "--") {
      afterDashes = true;
      continue;
    }
    if (!afterDashes && w.startsWith("-") && w !== "-") {
      const options = optionsOf(command, program, true, command === program);
      if (w.startsWith("--")) {
        const [name, value] = w.slice(2).split(/=(.*)/s) as [string, string | undefined];
        const spec = options[name];
        if (value !== undefined && program.globalOptions?.[name] !== undefined) globals.set(name, value);
        if (spec !== undefined && spec.kind !== "boolean" && value === undefined) {
          pending = spec;
          pendingName = name;
        }
      } else {
        const entry = Object.entries(options).find(([, o]) => o.short === w[w.length - 1]);
        if (entry !== undefined && entry[1].kind !== "boolean") {
          pending = entry[1];
          pendingName = entry[0];
        }
      }
      continue;
    }
    if (command.raw) return { candidates: [] };
    if (command.subcommands !== undefined) {
      const sub = findSub(command, w);
      if (sub === undefined) return { candidates: [] };
      command = sub;
      continue;
    }
    positionals++;
  }
  if (pending !== undefined) return valuesFor(pending, current, globals, dynamic);
  if (command.raw) return { candidates: [] };
  if (!afterDashes && current.startsWith("-")) {
    const options = optionsOf(command, program, true, command === program);
    const candidates = Object.entries(options)
      .map(([name, o]) => ({ value: `--${name}`, description: o.summary }))
      .filter((c) => c.value.startsWith(current));
    return { candidates };
  }
  if (command.subcommands !== undefined) {
    return {
      candidates: command.subcommands.filter((c) => !c.hidden && c.name.startsWith(current)).map((c) => ({ value: c.name, description: c.summary })),
    };
  }
  const specs = command.positionals ?? [];
  const spec = specs[positionals] ?? (specs[specs.length - 1]?.variadic ? specs[specs.length - 1] : undefined);
  if (spec === undefined) return { candidates: [] };
  return valuesFor(spec, current, globals, dynamic);
}

/** The lines `__complete` prints. */
export function formatCompletion(result: CompletionResult): string {
  if ("directive" in result) return `:${result.directive}\n`;
  return result.candidates.map((c) => (c.description ? `${c.value}\t${c.description.replace(/[\t\n]/g, " ")}` : c.value) + "\n").join("");
}

/** The completion script for one shell, to be sourced (bash, zsh) or saved (fish). */
export function completionScript(program: ProgramSpec<unknown>, shell: Shell): string {
  const p = program.name;
  const fn = `_${p.replace(/[^A-Za-z0-9_]/g, "_")}_complete`;
  switch (shell) {
    case "bash":
      return `# bash completion for ${p}: source it, e.g. from ~/.bashrc:
#   source <(${p} completion bash)
${fn}() {
  local IFS=$'\\n' cur="\${COMP_WORDS[COMP_CWORD]}" out
  out=$(${p} ${COMPLETE_COMMAND} -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return 0
  case "$out" in
    :file) COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null ;;
    :dir) COMPREPLY=($(compgen -d -- "$cur")); compopt -o filenames 2>/dev/null ;;
    *) COMPREPLY=($(printf '%s\\n' "$out" | cut -f1)) ;;
  esac
}
complete -F ${fn} ${p}
`;
    case "zsh":
      return `#compdef ${p}
# zsh completion for ${p}: save as _${p} in a directory on $fpath, or source it:
#   source <(${p} completion zsh)
${fn}() {
  local -a lines cands
  local l
  lines=("\${(@f)$(${p} ${COMPLETE_COMMAND} -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  case "\${lines[1]}" in
    :file) _files; return ;;
    :dir) _files -/; return ;;
  esac
  for l in "\${lines[@]}"; do
    [[ -z $l ]] && continue
    if [[ $l == *$'\\t'* ]]; then
      cands+=("\${\${l%%$'\\t'*}//:/\\\\:}:\${l#*$'\\t'}")
    else
      cands+=("\${l//:/\\\\:}")
    fi
  done
  _describe '${p}' cands
}
if (( $+functions[compdef] )); then compdef ${fn} ${p}; fi
`;
    case "fish":
      return `# fish completion for ${p}: save it, e.g.
#   ${p} completion fish > ~/.config/fish/completions/${p}.fish
function ${fn}
    set -l words (commandline -opc) (commandline -ct)
    set -e words[1]
    set -l out (${p} ${COMPLETE_COMMAND} -- $words 2>/dev/null)
    switch "$out[1]"
        case :file
            __fish_complete_path (commandline -ct)
        case :dir
            __fish_complete_directories (commandline -ct)
        case '*'
            printf '%s\\n' $out
    end
end
complete -c ${p} -f -a '(${fn})'
`;
  }
}
