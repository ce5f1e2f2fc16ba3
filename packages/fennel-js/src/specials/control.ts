// Control specials: do, if (multi-branch), while, for (with &until), each
// (with &until and destructured binders), values, tail!.
import { compileMessages as M } from "../diagnostics.js";
import type { Compiler, SpecialFn } from "../compiler/compiler.js";
import { bindValue, declare } from "../compiler/destructure.js";
import { Chunk } from "../compiler/emit.js";
import { Expr, HANDLED, NIL, joinExprs, type Opts } from "../compiler/expr.js";
import { Scope } from "../compiler/scope.js";
import { describe } from "../compiler/destructure.js";
import { List, Num, Sequence, Str, Sym, Table, type Form } from "../reader/forms.js";
import { printForm } from "../reader/print.js";

export const doSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  const items = form.items;
  return c.statementForm(
    form,
    scope,
    parent,
    opts,
    (chunk, inner) => {
      const line = c.lineOf(form);
      chunk.emit("do", line);
      const sub = new Scope(scope);
      c.compileBody(items, 1, sub, chunk.block(), inner, form);
      chunk.emit("end", line);
      if (c.plugins) c.hook("do", form, form, sub);
    },
  );
};

export const ifSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  const args = form.items.slice(1);
  if (args.length < 2) return c.error(form, M.ifArgs());
  return c.statementForm(form, scope, parent, opts, (chunk, inner) => emitIf(args, 0, scope, chunk, inner, c, form));
};

/** Compile an if branch into its block; a `(do …)` body needs no extra do/end. */
function branch(f: Form, scope: Scope, block: Chunk, inner: Opts, c: Compiler): void {
  const s = new Scope(scope);
  if (f instanceof List && f.items.length > 1 && f.items[0] instanceof Sym && f.items[0].name === "do") {
    c.compileBody(f.items, 1, s, block, inner, f);
  } else {
    c.compile(f, s, block, inner);
  }
}

function emitIf(args: Form[], start: number, scope: Scope, chunk: Chunk, inner: Opts, c: Compiler, form: Form): void {
  const line = c.lineOf(form);
  const cond = c.compile1(args[start]!, scope, chunk);
  chunk.emit(`if ${cond.code} then`, line);
  branch(args[start + 1]!, scope, chunk.block(), inner, c);
  let i = start + 2;
  while (i < args.length) {
    if (i === args.length - 1) {
      chunk.emit("else", line);
      branch(args[i]!, scope, chunk.block(), inner, c);
      chunk.emit("end", line);
      return;
    }
    const scratch = new Chunk();
    const ce = c.compile1(args[i]!, scope, scratch);
    if (scratch.isEmpty()) {
      chunk.emit(`elseif ${ce.code} then`, line);
      branch(args[i + 1]!, scope, chunk.block(), inner, c);
      i += 2;
      continue;
    }
    // The condition needs statements: nest an if inside else.
    chunk.emit("else", line);
    const blk = chunk.block();
    blk.append(scratch);
    blk.emit(`if ${ce.code} then`, line);
    branch(args[i + 1]!, scope, blk.block(), inner, c);
    const rest = args.slice(i + 2);
    if (rest.length === 1) {
      blk.emit("else", line);
      branch(rest[0]!, scope, blk.block(), inner, c);
      blk.emit("end", line);
    } else if (rest.length >= 2) {
      blk.emit("else", line);
      emitIf(rest, 0, scope, blk.block(), inner, c, form);
      blk.emit("end", line);
    } else {
      emitElseNil(blk, inner, line);
      blk.emit("end", line);
    }
    chunk.emit("end", line);
    return;
  }
  emitElseNil(chunk, inner, line);
  chunk.emit("end", line);
}

/** The implicit `else nil` branch, laid out as the reference does. */
function emitElseNil(chunk: Chunk, inner: Opts, line: number): void {
  chunk.emit("else", line);
  if (inner.tail) chunk.block().emit("return nil", line);
  else if (inner.target !== undefined) chunk.block().emit(`${inner.target} = nil`, line);
}

export const whileSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  const items = form.items;
  const line = c.lineOf(form);
  if (items.length < 2) {
    // The reference compiles a missing condition as nil: a loop that never runs.
    parent.emit("while nil do", line);
    parent.emit("end", line);
    return finishLoop(form, parent, opts, c);
  }
  const scratch = new Chunk();
  const cond = c.compile1(items[1]!, scope, scratch);
  let body: Chunk;
  if (scratch.isEmpty()) {
    parent.emit(`while ${cond.code} do`, line);
    body = parent.block();
  } else {
    parent.emit("while true do", line);
    body = parent.block();
    body.append(scratch);
    body.emit(`if not ${cond.code} then break end`, line);
  }
  compileLoopBody(items, 2, new Scope(scope), body, c);
  parent.emit("end", line);
  return finishLoop(form, parent, opts, c);
};

function compileLoopBody(items: Form[], from: number, scope: Scope, body: Chunk, c: Compiler): void {
  for (let i = from; i < items.length; i++) c.compile(items[i]!, scope, body, { nval: 0 });
}

/** Loops yield nil (so a function ending in a loop returns nil, as the reference). */
function finishLoop(_form: Form, _parent: Chunk, _opts: Opts, _c: Compiler) {
  return [NIL];
}

/**
 * Split `[binders… &until cond]` (or the pre-1.2 `:until`): the binders and
 * the optional until form. Any other clause is an error.
 */
function splitUntil(b: Sequence, c: Compiler): { items: Form[]; until?: Form } {
  const idx = b.items.findIndex((x) => (x instanceof Sym && x.name === "&until") || (x instanceof Str && x.value === "until"));
  const clause = b.items.find((x, i) => x instanceof Str && i !== idx && i < b.items.length - 1 && i > 0 && (idx < 0 || i < idx));
  if (clause instanceof Str && b.items.indexOf(clause) > 1) return c.error(b, M.unexpectedClause(clause.value));
  if (idx < 0) return { items: b.items };
  if (idx !== b.items.length - 2) return c.error(b.items[idx], M.untilPlacement());
  return { items: b.items.slice(0, idx), until: b.items[idx + 1] };
}

function emitUntil(until: Form | undefined, scope: Scope, body: Chunk, c: Compiler): void {
  if (until === undefined) return;
  const e = c.compile1(until, scope, body);
  body.emit(`if ${e.code} then break end`, c.lineOf(until));
}

export const forSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  const items = form.items;
  const b = items[1];
  if (!(b instanceof Sequence)) return c.error(b ?? form, M.rangeExpected());
  const { items: bi, until } = splitUntil(b, c);
  const v = bi[0];
  if (!(v instanceof Sym)) return c.error(b, M.badBinding(describe(v)));
  if (bi.length < 3) return c.error(b, M.rangeStartStop());
  if (bi.length > 4) return c.error(b, M.rangeExtra());
  if (items.length < 3) return c.error(form, M.expectedBody("for"));
  const line = c.lineOf(form);
  const range = bi.slice(1).map((f) => c.compile1(f, scope, parent).code);
  const s = new Scope(scope);
  const name = declare(v, s, c, "local");
  parent.emit(`for ${name} = ${range.join(", ")} do`, line);
  const body = parent.block();
  emitUntil(until, s, body, c);
  compileLoopBody(items, 2, s, body, c);
  parent.emit("end", line);
  return finishLoop(form, parent, opts, c);
};

export const eachSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  const items = form.items;
  const b = items[1];
  if (!(b instanceof Sequence)) return c.error(b ?? form, M.iteratorExpected());
  const { items: bi, until } = splitUntil(b, c);
  if (bi.length < 2) return c.error(b, M.bindingAndIterator());
  if (items.length < 3) return c.error(form, M.expectedBody("each"));
  const line = c.lineOf(form);
  const iter = c.compileAll(bi[bi.length - 1]!, scope, parent);
  const s = new Scope(scope);
  const names: string[] = [];
  const later: Array<[Form, string]> = [];
  const binders = bi.slice(0, -1).flatMap((x) => (x instanceof List ? x.items : [x]));
  for (const binder of binders) {
    if (binder instanceof Sym) names.push(declare(binder, s, c, "local"));
    else if (binder instanceof Sequence || binder instanceof Table) {
      const tmp = c.gensym(s);
      names.push(tmp);
      later.push([binder, tmp]);
    } else c.error(b, M.badBinding(describe(binder)));
  }
  parent.emit(`for ${names.join(", ")} in ${joinExprs(iter)} do`, line);
  const body = parent.block();
  for (const [p, tmp] of later) bindValue(p, tmp, s, body, c, "local");
  emitUntil(until, s, body, c);
  compileLoopBody(items, 2, s, body, c);
  parent.emit("end", line);
  return finishLoop(form, parent, opts, c);
};

export const valuesSpecial: SpecialFn = (form, scope, parent, _opts, c) => {
  return c.compileArgs(form.items, scope, parent, 1);
};

/**
 * `(pick-values n …)`: exactly n values. One value is the first in parens;
 * none keeps the forms' effects; more are bound to fresh locals.
 */
export const pickValuesSpecial: SpecialFn = (form, scope, parent, _opts, c) => {
  const n = form.items[1];
  if (!(n instanceof Num) || !Number.isInteger(n.value) || n.value < 0) {
    return c.error(form, M.pickValuesCount(n === undefined ? "nil" : printForm(n)));
  }
  const vals = new List([new Sym("values", form.pos), ...form.items.slice(2)], form.pos);
  if (n.value === 1) {
    const e = c.compile1(vals, scope, parent);
    return [new Expr(e.kind === "call" || e.kind === "varg" ? `(${e.code})` : e.code, "expr")];
  }
  if (n.value === 0) {
    for (const f of form.items.slice(2)) c.compile(f, scope, parent, { nval: 0 });
    return [];
  }
  const syms = Array.from({ length: n.value }, () => c.gensym(scope, "pv"));
  // Every value is computed, in order; Lua's assignment keeps the first n.
  const es = c.compile(vals, scope, parent, {});
  parent.emit(`local ${syms.join(", ")} = ${es.length === 0 ? "nil" : joinExprs(es)}`, c.lineOf(form));
  return syms.map((s) => new Expr(s, "sym"));
};

export const tailSpecial: SpecialFn = (form, scope, parent, opts, c) => {
  const call = form.items[1];
  if (form.items.length !== 2) return c.error(form, M.tailNotCall());
  // After macros, the argument must be a call: not a special form.
  const expanded = call === undefined ? undefined : c.macroexpandAll(call, scope);
  const head = expanded instanceof List ? expanded.items[0] : undefined;
  if (!(expanded instanceof List) || (head instanceof Sym && scope.lookup(head.name) === undefined && c.specials.has(head.name))) {
    return c.error(form, M.tailNotCall());
  }
  if (!opts.tail) return c.error(form, M.tailNotTail());
  c.compile(expanded, scope, parent, opts);
  return HANDLED;
};
