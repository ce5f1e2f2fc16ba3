// Host functions seen from Lua. A JS function is called with converted
// arguments; a plain result goes straight back, a Promise parks the Lua thread
// (the prelude's wrapper yields the call's id) until it settles.
import { jsToLua, luaToJs, LuaValues, type ConvertContext } from "./convert.js";
import { pushString } from "./lua-stack.js";

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Pending {
  promise: Promise<void>;
  settled?: Settled;
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (
    (typeof x === "object" || typeof x === "function") &&
    x !== null &&
    typeof (x as { then?: unknown }).then === "function"
  );
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

export class HostCalls {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly ctx: ConvertContext) {}

  /** Call `fn` with the Lua arguments at 1..argc; push the status protocol. */
  call(fn: (...args: any[]) => unknown, L: number, argc: number): number {
    const m = this.ctx.m;
    let result: unknown;
    try {
      const args: unknown[] = [];
      for (let i = 1; i <= argc; i++) args.push(luaToJs(this.ctx, L, i));
      result = fn(...args);
    } catch (e) {
      if (e === Infinity) throw e;
      return this.pushError(L, e);
    }
    if (isThenable(result)) {
      const id = this.nextId++;
      const entry: Pending = {
        promise: Promise.resolve(result).then(
          (value) => {
            entry.settled = { ok: true, value };
          },
          (error: unknown) => {
            entry.settled = { ok: false, error };
          },
        ),
      };
      this.pending.set(id, entry);
      pushInt(m, L, 1);
      pushInt(m, L, id);
      return 2;
    }
    return this.pushResults(L, result);
  }

  /** The settled result of call `id`, in the same protocol. */
  collect(L: number, id: number): number {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    if (!entry?.settled) return this.pushError(L, new Error(`host call ${id} was resumed before it finished`));
    if (!entry.settled.ok) return this.pushError(L, entry.settled.error);
    try {
      return this.pushResults(L, entry.settled.value);
    } catch (e) {
      return this.pushError(L, e);
    }
  }

  cancel(id: number): void {
    this.pending.delete(id);
  }

  /** Resolves when call `id` has settled (immediately if unknown). */
  wait(id: number): Promise<void> {
    return this.pending.get(id)?.promise ?? Promise.resolve();
  }

  has(id: number): boolean {
    return this.pending.has(id);
  }

  private pushResults(L: number, result: unknown): number {
    const m = this.ctx.m;
    const top = m._lua_gettop(L);
    try {
      pushInt(m, L, 0);
      if (result === undefined) return 1;
      if (result instanceof LuaValues) {
        for (const v of result.values) jsToLua(this.ctx, L, v);
        return 1 + result.values.length;
      }
      jsToLua(this.ctx, L, result);
      return 2;
    } catch (e) {
      m._lua_settop(L, top);
      return this.pushError(L, e);
    }
  }

  private pushError(L: number, e: unknown): number {
    const m = this.ctx.m;
    pushInt(m, L, 2);
    pushString(m, L, errorText(e));
    return 2;
  }
}

function pushInt(m: ConvertContext["m"], L: number, n: number): void {
  (m as unknown as { _lua_pushinteger(L: number, n: bigint): void })._lua_pushinteger(L, BigInt(n));
}
