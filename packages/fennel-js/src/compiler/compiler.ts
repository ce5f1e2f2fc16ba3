// The compiler core: walks forms with a scope chain, dispatching lists to
// specials, macros or calls, and settles each result into its position
// (statement, expression with N values, tail, or assignment target).
import { FennelError } from "../errors.js";
import { compileMessages as M } from "../diagnostics.js";
import { hintsFor } from "../friend.js";
import type { MacroContext, MacroFn } from "../macros/types.js";
import { List, Sequence, Sym, Table, Str, Num, Bool, Nil, Varg, type Form, type Pos } from "../reader/forms.js";
import { printForm } from "../reader/print.js";
import type { CompileOptions } from "../types.js";
import type { CompileContext, CompileTime, HookArg, LuaHandle } from "./compile-time.js";
import { Chunk } from "./emit.js";
import { Expr, HANDLED, NIL, asPrefix, isMulti, joinExprs, one, type ExprKind, type Opts } from "./expr.js";
import { isValidLuaIdentifier, luaString, mangleGlobal } from "./mangle.js";
import { formSpan } from "./form-span.js";
import { LUA_GLOBALS } from "./globals.js";
import { Scope, type AnyMacro } from "./scope.js";

export type SpecialFn = (form: List, scope: Scope, parent: Chunk, opts: Opts, c: Compiler) => Expr[];

const MAX_EXPANSIONS = 1000;
/** The reference's expression types (utils.expr) as fennel-js's kinds. */
const EXPR_KINDS: Record<string, ExprKind> = { literal: "lit", sym: "sym", expression: "expr", statement: "call", vargs: "varg" };
const MULTISYM_CHARS = /[.:$]/;

export class Compiler {
  private gensymCount = 0;
  /** Line/column of the innermost positioned form being compiled. */
  curLine = 0;
  curCol = 0;
  private sourceLines: string[] | undefined;
  /** null: strict global checking is off. */
  readonly allowed: Set<string> | null;
  readonly file: string;
  /** Compiling code for the compile-time VM (macro bodies): quote builds forms. */
  compileTime = false;
  /** Modules inlined by `include`, to emit each once (and catch one including itself). */
  readonly included = new Map<string, "loading" | "done">();
  /** Source text of files compiled into this chunk by include, for error messages. */
  private readonly includedSources = new Map<string, string>();
  private ctInstance: CompileTime | undefined;
  /** The options name plugins: call their hooks where the reference does. */
  readonly plugins: boolean;

  constructor(
    readonly source: string,
    readonly options: CompileOptions,
    readonly specials: ReadonlyMap<string, SpecialFn>,
    readonly builtinMacros: ReadonlyMap<string, MacroFn>,
    readonly context: CompileContext = {},
  ) {
    this.file = options.filename ?? "unknown";
    this.plugins = context.plugins === true;
    const ag = options.allowedGlobals;
    this.allowed = ag === false ? null : new Set(context.exactGlobals ? (ag ?? []) : [...LUA_GLOBALS, ...(ag ?? [])]);
  }

  /** The compile-time VM, started the first time compile-time code needs it. */
  get ct(): CompileTime {
    if (this.parentCompiler !== undefined) return this.parentCompiler.ct;
    if (this.ctInstance === undefined) {
      const source = this.context.compileTime;
      if (source === undefined) this.error(undefined, M.macroRuntimeMissing());
      this.ctInstance = source(this);
    }
    return this.ctInstance;
  }

  /** A compiler for compile-time code (macro bodies, eval-compiler) sharing this one's VM and counters. */
  childForCompileTime(allowedGlobals: string[]): Compiler {
    const child = new Compiler(this.source, { ...this.options, allowedGlobals }, this.specials, this.builtinMacros, { ...this.context, exactGlobals: true });
    child.compileTime = true;
    child.requireAsInclude = this.requireAsInclude;
    child.gensymCount = this.gensymCount;
    child.curLine = this.curLine;
    child.curCol = this.curCol;
    child.parentCompiler = this;
    return child;
  }

  /** The compiler this compile-time compiler serves, whose counters it shares. */
  private parentCompiler: Compiler | undefined;

  /** Call the plugins' `event` hooks; callers check `plugins` first. */
  hook(event: string, at: Form, ...args: HookArg[]): void {
    this.ct.hook(event, at, args);
  }

  // ----- errors -----

  sourceLine(line: number, file: string = this.file): string | undefined {
    if (file !== this.file) return this.includedSources.get(file)?.split("\n")[line - 1];
    if (this.sourceLines === undefined) this.sourceLines = this.source.split("\n");
    return this.sourceLines[line - 1];
  }

  /** Compile an included module's forms into `body` as a chunk of its own, named `mod` for `...`. */
  compileIncluded(forms: Form[], source: string, mod: string, body: Chunk, at: Form): void {
    const file = forms[0]?.pos.file ?? mod;
    this.includedSources.set(file, source);
    const saved = this.moduleNameOverride;
    this.moduleNameOverride = mod;
    try {
      const scope = new Scope(undefined, { fnBoundary: true, vararg: true });
      this.compileBody(forms, 0, scope, body, { tail: true }, at);
    } finally {
      this.moduleNameOverride = saved;
    }
  }

  /** How `(require x)` compiles under the requireAsInclude option (specials/include.ts). */
  requireAsInclude: SpecialFn = (form, scope, parent) => [this.call(form, scope, parent)];

  /** While an included module compiles: its name, which `...` gives its module-name expressions. */
  private moduleNameOverride: string | undefined;

  /** The module name compile-time `...` gives (include, relative require). */
  get moduleName(): string | undefined {
    return this.moduleNameOverride ?? this.options.currentModule;
  }

  error(form: Form | undefined, reason: string, hints?: string[]): never {
    const pos: Pos | undefined = form?.pos;
    const file = pos && pos.line > 0 && pos.file !== "unknown" ? pos.file : this.file;
    const line = pos !== undefined && pos.line > 0 ? pos.line : this.curLine;
    const sourceLine = line > 0 ? this.sourceLine(line, file) : undefined;
    const col = pos !== undefined && pos.line > 0 ? pos.col : this.curCol;
    throw new FennelError({
      span: sourceLine === undefined ? 1 : formSpan(sourceLine, col),
      kind: "compile",
      reason,
      file,
      line,
      col,
      sourceLine,
      hints: hints ?? hintsFor(reason),
      formLabel: formLabel(form),
    });
  }

  assert(cond: unknown, form: Form | undefined, reason: string): asserts cond {
    if (!cond) this.error(form, reason);
  }

  // ----- names -----

  /** A fresh Lua temporary name, reserved in `scope`. */
  gensym(scope: Scope, base = ""): string {
    void scope;
    return `_${base}${this.nextGensymId()}_`;
  }

  nextGensymId(): number {
    if (this.parentCompiler !== undefined) {
      const n = this.parentCompiler.nextGensymId();
      this.gensymCount = n;
      return n;
    }
    if (this.context.nextGensymId !== undefined) return (this.gensymCount = this.context.nextGensymId());
    return ++this.gensymCount;
  }

  /**
   * A name may be bound as a local (or, with `macro`, a macro): not a special
   * form (nor a macro, for locals), no `&` or leading `.`, not a quoted symbol
   * from a macro, and a multisym macro not on an existing macro.
   */
  checkBindingValid(sym: Sym, scope: Scope | undefined, opts: { macro?: boolean } = {}): void {
    const name = sym.name;
    const multi = /[.:]/.test(name) && !name.startsWith(".") ? name.split(/[.:]/)[0]! : undefined;
    const root = multi ?? name;
    if (/[&.:]/.exec(name)?.[0] === "&") this.error(sym, M.invalidChar("&"));
    if (name.startsWith(".")) this.error(sym, M.invalidChar("."));
    const macroNamed = scope !== undefined ? this.findMacro(root, scope) !== undefined : this.builtinMacros.has(root);
    if (this.specials.has(root) || (!opts.macro && macroNamed)) this.error(sym, M.shadowSpecial(name));
    if (opts.macro && multi !== undefined && scope !== undefined && this.findMacro(multi, scope) !== undefined) {
      this.error(sym, M.multisymMacroOnMacro());
    }
    if (sym.quoted) this.error(sym, M.bindWithoutGensym(name));
  }

  isAllowedGlobal(name: string): boolean {
    return this.allowed === null || this.allowed.has(name) || name === "_ENV";
  }

  allowGlobal(name: string): void {
    this.allowed?.add(name);
  }

  /** Globals read so far in this compile (a local of the same name bound to one of them would shadow it). */
  readonly referencedGlobals = new Set<string>();

  /** Globals `global` declared in this compile, by Fennel name, with their Lua names. */
  readonly declaredGlobals = new Map<string, string>();

  /** `(global name …)`: allowed from here on, in this compile and (through the context) later ones. */
  declareGlobal(name: string, lua: string): void {
    this.allowGlobal(name);
    if (!this.declaredGlobals.has(name)) {
      this.declaredGlobals.set(name, lua);
      this.context.onGlobal?.(name);
    }
  }

  /** Compile a symbol reference (incl. multisym `a.b.c`). */
  symbolExpr(sym: Sym, scope: Scope): Expr {
    const name = sym.name;
    if (this.plugins) this.hook("symbol-to-expression", sym, sym, scope, true);
    if (!MULTISYM_CHARS.test(name) || (name !== "$..." && !isMultiSym(name))) return new Expr(this.rootName(name, sym, scope), "sym");
    if (name.indexOf(":") > 0 || name.endsWith(":")) this.error(sym, M.methodNotInCall(name));
    const dot = name.indexOf(".");
    if (name === "$...") {
      if (scope.lookup(name) === undefined) this.error(sym, M.unexpectedVararg());
      return new Expr("...", "varg");
    }
    if (dot > 0 && name !== "..") {
      const parts = name.split(".");
      if (parts.some((p) => p === "")) this.error(sym, M.malformedMultisym(name));
      let code = this.rootName(parts[0]!, sym, scope);
      for (let i = 1; i < parts.length; i++) code += fieldAccess(parts[i]!);
      return new Expr(code, "sym");
    }
    return new Expr(this.rootName(name, sym, scope), "sym");
  }

  private rootName(name: string, sym: Sym, scope: Scope): string {
    const local = scope.lookup(name);
    if (local !== undefined) {
      if (this.plugins) local.used = true;
      return local.lua;
    }
    if (this.specials.has(name)) this.error(sym, M.specialAsValue(name));
    if (scope.lookupMacro(name) !== undefined || this.builtinMacros.has(name)) this.error(sym, M.macroAsValue(name));
    if (!this.isAllowedGlobal(name)) this.error(sym, M.unknownIdentifier(name));
    const lua = mangleGlobal(name, this.options.globalMangle !== false);
    scope.reserveGlobal(lua);
    this.referencedGlobals.add(name);
    return lua;
  }

  // ----- the walk -----

  /** Compile `form`, settling its values into `opts`' position. */
  compile(form: Form, scope: Scope, parent: Chunk, opts: Opts): Expr[] {
    const saved = this.curLine;
    const savedCol = this.curCol;
    if (form.pos.line > 0) {
      this.curLine = form.pos.line;
      this.curCol = form.pos.col;
    }
    const exprs = this.compileRaw(form, scope, parent, opts);
    const out = exprs === HANDLED ? exprs : this.settle(exprs, parent, opts, form);
    this.curLine = saved;
    this.curCol = savedCol;
    return out;
  }

  /** The Fennel line to record for `form` (macro output borrows its call's). */
  lineOf(form: Form): number {
    return form.pos.line || this.curLine;
  }

  /** Compile to exactly one expression (nval 1), truncated. */
  compile1(form: Form, scope: Scope, parent: Chunk): Expr {
    const es = this.compile(form, scope, parent, { nval: 1 });
    return es[0] ?? NIL;
  }

  /** Compile to all values (for the last argument/item). */
  compileAll(form: Form, scope: Scope, parent: Chunk): Expr[] {
    return this.compile(form, scope, parent, {});
  }

  /** Compile argument forms: all but the last truncated to one value. */
  compileArgs(forms: Form[], scope: Scope, parent: Chunk, from = 0): Expr[] {
    const out: Expr[] = [];
    const n = forms.length;
    for (let i = from; i < n; i++) {
      if (i < n - 1) {
        const e = this.compile1(forms[i]!, scope, parent);
        out.push(isMulti(e) && e.kind === "varg" ? new Expr("(...)", "expr") : e);
      } else {
        for (const e of this.compileAll(forms[i]!, scope, parent)) out.push(e);
      }
    }
    return out;
  }

  /** Put `exprs` where `opts` wants them: return, assign, statement or values. */
  settle(exprs: Expr[], parent: Chunk, opts: Opts, form: Form): Expr[] {
    const line = this.lineOf(form);
    if (opts.tail) {
      parent.emit(exprs.length === 0 ? "return" : "return " + joinExprs(exprs), line);
      return HANDLED;
    }
    if (opts.target !== undefined) {
      parent.emit(`${opts.target} = ${exprs.length === 0 ? "nil" : joinExprs(exprs)}`, line);
      return HANDLED;
    }
    if (opts.nval === 0) {
      for (const e of exprs) this.emitStatement(e, parent, line);
      return [];
    }
    const nval = opts.nval;
    if (nval === undefined) return exprs;
    if (exprs.length > nval) {
      for (let i = nval; i < exprs.length; i++) this.emitStatement(exprs[i]!, parent, line);
      return exprs.slice(0, nval);
    }
    if (exprs.length < nval) {
      const last = exprs[exprs.length - 1];
      if (last !== undefined && isMulti(last)) return exprs;
      const out = exprs.slice();
      while (out.length < nval) out.push(NIL);
      return out;
    }
    return exprs;
  }

  /** Emit an expression whose value is discarded, keeping its effects. */
  emitStatement(e: Expr, parent: Chunk, line: number): void {
    if (e.kind === "call") parent.emit(e.code, line);
    else if (e.kind === "expr" || e.kind === "table") parent.emit(`do local _ = ${e.code} end`, line);
  }

  private compileRaw(form: Form, scope: Scope, parent: Chunk, opts: Opts): Expr[] {
    if (form instanceof List) return this.compileList(form, scope, parent, opts);
    if (form instanceof Sym) return [this.symbolExpr(form, scope)];
    if (form instanceof Str) return [new Expr(luaString(form.value), "lit")];
    if (form instanceof Num) return [new Expr(form.text, "lit")];
    if (form instanceof Bool) return [new Expr(form.value ? "true" : "false", "lit")];
    if (form instanceof Nil) return [NIL];
    if (form instanceof Varg) {
      if (!scope.vararg) this.error(form, scope.inHashfn() ? M.hashfnVararg() : M.unexpectedVararg());
      return [new Expr("...", "varg")];
    }
    if (form instanceof Sequence) return [this.compileSequence(form, scope, parent)];
    if (form instanceof Table) return [this.compileTable(form, scope, parent)];
    this.error(undefined, M.unknownForm(String(form)));
  }

  private compileSequence(form: Sequence, scope: Scope, parent: Chunk): Expr {
    if (form.items.length === 0) return new Expr("{}", "table");
    const es = this.compileArgs(form.items, scope, parent);
    return new Expr("{" + joinExprs(es) + "}", "table");
  }

  /**
   * `{k v …}` as the reference writes it: integer keys 1..n first as
   * positional items, then the other keys in the order they were written.
   * The order decides evaluation order and, through the constructor, the
   * order `pairs` visits keys, so it must match for identical output.
   */
  private compileTable(form: Table, scope: Scope, parent: Chunk): Expr {
    const entries = form.entries;
    if (entries.length === 0) return new Expr("{}", "table");
    const positional = new Map<number, Form>();
    for (const [k, v] of entries) {
      if (k instanceof Num && Number.isInteger(k.value) && k.value >= 1 && !/[.eEpP]/.test(k.text)) positional.set(k.value, v);
    }
    let n = 0;
    while (positional.has(n + 1)) n++;
    const parts: string[] = [];
    for (let i = 1; i <= n; i++) parts.push(one(this.compile(positional.get(i)!, scope, parent, { nval: i === n ? undefined : 1 })[0] ?? NIL));
    for (const [k, v] of entries) {
      if (k instanceof Num && positional.has(k.value) && k.value <= n && !/[.eEpP]/.test(k.text)) continue;
      let key: string;
      if (k instanceof Str && isValidLuaIdentifier(k.value)) key = k.value;
      else {
        const ke = this.compile1(k, scope, parent);
        if (ke.code === "nil") this.error(k, M.nilKey());
        key = "[" + one(ke) + "]";
      }
      parts.push(key + " = " + one(this.compile1(v, scope, parent)));
    }
    return new Expr("{" + parts.join(", ") + "}", "table");
  }

  private compileList(form: List, scope: Scope, parent: Chunk, opts: Opts): Expr[] {
    const head = form.items[0];
    if (head === undefined) this.error(form, M.emptyCall());
    if (head instanceof Sym) {
      const name = head.name;
      const unbound = scope.lookup(name) === undefined;
      if (unbound) {
        const macro = this.findMacro(name, scope, form);
        if (macro !== undefined) {
          const expanded = this.expandOnce(macro, form, scope);
          return this.compileRaw(expanded, scope, parent, opts);
        }
      }
      // As the reference: plugins hear every call once macros are expanded, specials included.
      if (this.plugins) this.hook("call", form, form, scope);
      if (unbound) {
        const special = this.specials.get(name);
        if (special !== undefined) return special(form, scope, parent, opts, this);
        if (this.ctStarted()) {
          const own = this.ct.userSpecial(name);
          if (own !== undefined) return this.callUserSpecial(own, form, scope, parent, opts);
        }
      }
      if (name === "require" && this.options.requireAsInclude && scope.lookup(name) === undefined) {
        return this.requireAsInclude(form, scope, parent, {}, this);
      }
      const colon = name.indexOf(":");
      if (colon > 0 && !name.endsWith(":")) return [this.methodCall(form, head, scope, parent)];
    } else if (this.plugins) this.hook("call", form, form, scope);
    return [this.call(form, scope, parent)];
  }

  /**
   * The macro a call head names: bound in scope (a user macro), built in, or
   * a field of a bound macro table (`m.inc`, `tbl-macro.sub-macro`).
   */
  findMacro(name: string, scope: Scope, at?: Form): AnyMacro | undefined {
    const direct = scope.lookupMacro(name) ?? this.optionMacro(name) ?? this.builtinMacros.get(name);
    if (direct !== undefined) return direct;
    const dot = name.indexOf(".");
    if (dot <= 0 || name.endsWith(".")) return undefined;
    const root = name.slice(0, dot);
    if (scope.lookup(root) !== undefined) return undefined;
    const base = scope.lookupMacro(root);
    if (base === undefined || typeof base === "function") return undefined;
    let value = base.value;
    for (const key of name.slice(dot + 1).split(".")) {
      const next = this.ct.isTable(value) || this.ct.isCallable(value) ? this.ct.field(value, key) : undefined;
      if (next === undefined) return this.error(at, M.macroNotInTable());
      value = next;
    }
    if (!this.ct.isCallable(value)) return this.error(at, M.macroNotInTable());
    return { kind: "user", value, name };
  }

  /** What lambdaAsFn and assertAsRepl make of lambda and assert. */
  private optionMacro(name: string): MacroFn | undefined {
    if (this.options.lambdaAsFn && (name === "lambda" || name === "λ")) return lambdaAsFn;
    if (this.options.assertAsRepl && name === "assert") return this.builtinMacros.get("assert-repl");
    return undefined;
  }

  /** Expand a macro call once (a user macro runs in the compile-time VM). */
  expandOnce(macro: AnyMacro, form: List, scope: Scope): Form {
    if (typeof macro === "function") {
      const out = macro(form, this.macroContext(scope));
      return withPos(out, form.pos);
    }
    return withPos(this.ct.expand(macro, form, scope), form.pos);
  }

  /** Expand `form` until its head is no longer a macro (for macrodebug/macroexpand). */
  macroexpandAll(form: Form, scope: Scope): Form {
    let f = form;
    for (let i = 0; i < MAX_EXPANSIONS; i++) {
      if (!(f instanceof List) || !(f.items[0] instanceof Sym)) return f;
      const name = (f.items[0] as Sym).name;
      if (scope.lookup(name) !== undefined) return f;
      const m = this.findMacro(name, scope);
      if (m === undefined) return f;
      f = this.expandOnce(m, f, scope);
    }
    return f;
  }

  macroContext(scope: Scope): MacroContext {
    return {
      gensym: (base?: string, pos?: Pos) => new Sym(`${base ?? ""}_${this.nextGensymId()}_auto`, pos),
      error: (form: Form, message: string, hints?: string[]): never =>
        this.error(form, message, hints?.map((h) => (h.startsWith("* ") ? h : "* Try " + h))),
      inScope: (name: string) => scope.lookup(name) !== undefined,
      localNames: () => scope.visibleLocals(),
      vararg: scope.vararg,
      options: {
        ...(this.options.toBeClosed ? { toBeClosed: true } : {}),
        ...(this.options.fennelModuleName !== undefined ? { fennelModuleName: this.options.fennelModuleName } : {}),
      },
    };
  }

  /** Has compile-time code run in this compile (so _SPECIALS may hold specials it defined)? */
  private ctStarted(): boolean {
    return this.parentCompiler !== undefined ? this.parentCompiler.ctStarted() : this.ctInstance !== undefined;
  }

  /** A special compile-time code put in _SPECIALS: its Lua lines go before its expressions. */
  private callUserSpecial(special: LuaHandle, form: List, scope: Scope, parent: Chunk, opts: Opts): Expr[] {
    const { lines, exprs } = this.ct.callSpecial(special, form, scope, opts.nval);
    const line = this.lineOf(form);
    for (const l of lines) parent.emit(l, line);
    return exprs.map(([code, type]) => new Expr(code, EXPR_KINDS[type] ?? "expr"));
  }

  /** A plain function call `(f args…)`. */
  call(form: List, scope: Scope, parent: Chunk): Expr {
    const items = form.items;
    const head = items[0]!;
    // A string literal is callable as far as the reference is concerned (strings
    // have a metatable); calling it fails at run time, after earlier lines ran.
    if (head instanceof Num || head instanceof Bool || head instanceof Nil) {
      this.error(form, M.notCallable(head instanceof Num ? head.text : String(head instanceof Bool ? head.value : "nil")));
    }
    if (head instanceof Sequence || head instanceof Table) this.error(form, M.notCallable("table"));
    const callee = this.compile(head, scope, parent, {});
    if (callee.length === 0) this.error(form, M.notCallable(printForm(head)));
    const fe = callee[0]!;
    const args = this.compileArgs(items, scope, parent, 1);
    return new Expr(asPrefix(fe) + "(" + joinExprs(args) + ")", "call");
  }

  /** `(obj:method args…)` */
  private methodCall(form: List, head: Sym, scope: Scope, parent: Chunk): Expr {
    const name = head.name;
    const colon = name.lastIndexOf(":");
    const objName = name.slice(0, colon);
    const method = name.slice(colon + 1);
    if (method.indexOf(".") >= 0 || objName.indexOf(":") >= 0) this.error(head, M.malformedMultisym(name));
    const obj = this.symbolExpr(new Sym(objName, head.pos), scope);
    const args = this.compileArgs(form.items, scope, parent, 1);
    return this.methodCallCode(obj, method, args, scope, parent, form);
  }

  /** Emit `obj:method(args)`, binding `obj` to a temp when it is not a name. */
  methodCallCode(obj: Expr, method: string, args: Expr[], scope: Scope, parent: Chunk, form: Form): Expr {
    if (isValidLuaIdentifier(method)) {
      return new Expr(asPrefix(obj) + ":" + method + "(" + joinExprs(args) + ")", "call");
    }
    const rest = args.length > 0 ? ", " + joinExprs(args) : "";
    if (obj.kind !== "sym") {
      // Evaluate the target once, inline, as the reference does.
      return new Expr(`(function(tgt, m, ...) return tgt[m](tgt, ...) end)(${one(obj)}, ${luaString(method)}${rest})`, "call");
    }
    return new Expr(`${obj.code}[${luaString(method)}](${obj.code}${rest})`, "call");
  }

  /**
   * Compile a body (do, let, fn): all forms but the last as statements, the
   * last with `opts`.
   */
  compileBody(forms: Form[], from: number, scope: Scope, chunk: Chunk, opts: Opts, form: Form): Expr[] {
    const n = forms.length;
    if (n <= from) return this.settle([], chunk, opts, form);
    for (let i = from; i < n - 1; i++) this.compile(forms[i]!, scope, chunk, { nval: 0 });
    return this.compile(forms[n - 1]!, scope, chunk, opts);
  }

  /**
   * Run `emitInto(chunk, innerOpts)` so that a statement-shaped form (do, let,
   * if…) works in any position: tail/target/statement direct, N values via
   * temporaries, all values via a local function.
   */
  statementForm(
    form: Form,
    scope: Scope,
    parent: Chunk,
    opts: Opts,
    emitInto: (chunk: Chunk, inner: Opts) => void,
  ): Expr[] {
    if (opts.tail || opts.target !== undefined || opts.nval === 0) {
      emitInto(parent, opts);
      return opts.nval === 0 && !opts.tail && opts.target === undefined ? [] : HANDLED;
    }
    // As the reference: all values wanted means a local function (IIFE).
    const nval = opts.nval;
    if (nval !== undefined) {
      const syms: string[] = [];
      for (let i = 0; i < nval; i++) syms.push(this.gensym(scope));
      parent.emit("local " + syms.join(", "), this.lineOf(form));
      emitInto(parent, { target: syms.join(", ") });
      return syms.map((s) => new Expr(s, "sym"));
    }
    const fname = this.gensym(scope);
    const args = scope.vararg ? "..." : "";
    parent.emit(`local function ${fname}(${args})`, this.lineOf(form));
    const body = parent.block();
    emitInto(body, { tail: true });
    parent.emit("end", this.lineOf(form));
    return [new Expr(`${fname}(${args})`, "call")];
  }
}

/** How unfriendly errors name a form: a list or sequence by its first item, a symbol by its name. */
function formLabel(form: Form | undefined): string {
  const first = form instanceof List || form instanceof Sequence ? form.items[0] : form instanceof Sym ? form : undefined;
  if (first === undefined) return "()";
  if (first instanceof Sym) return first.name;
  if (first instanceof Str) return first.value;
  if (first instanceof Num) return first.text;
  if (first instanceof Bool) return String(first.value);
  if (first instanceof Nil) return "nil";
  return printForm(first);
}

/** `(lambda …)` compiled as `(fn …)`: the lambdaAsFn option. */
const lambdaAsFn: MacroFn = (form) => new List([new Sym("fn", form.items[0]!.pos), ...form.items.slice(1)], form.pos);

/**
 * Is `name` a multisym (`a.b`, `a:b`)? Not when it starts or ends with `.`
 * or `:`, as the reference reads `test-?.` or `:` as plain names.
 */
export function isMultiSym(name: string): boolean {
  if (!/[.:]/.test(name)) return false;
  const first = name[0];
  const last = name[name.length - 1];
  return first !== "." && first !== ":" && last !== "." && last !== ":";
}

/** `.key` or `["key"]` for a string key. */
export function fieldAccess(key: string): string {
  return isValidLuaIdentifier(key) ? "." + key : "[" + luaString(key) + "]";
}

/** Give macro output without a position the position of the call. */
function withPos(f: Form, pos: Pos): Form {
  if (f !== null && typeof f === "object" && f.pos !== undefined && f.pos.line === 0) {
    (f as { pos: Pos }).pos = pos;
  }
  return f;
}
