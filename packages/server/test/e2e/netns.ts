// Hosts on one machine for tests of what crosses a network: Linux network
// namespaces joined by veth pairs (iproute2), made inside the test and
// removed after it. Needs root; netnsProblem() says why not when it cannot.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";

function ip(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync("ip", args, { encoding: "utf8" });
  return { ok: r.status === 0 && r.error === undefined, out: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error?.message ?? ""}`.trim() };
}

/** Why network namespaces cannot be made here, or undefined when they can. */
export function netnsProblem(): string | undefined {
  if (process.platform !== "linux") return "not Linux";
  if (process.getuid?.() !== 0) return "needs root (ip netns add)";
  const probe = `qprobe${randomBytes(3).toString("hex")}`;
  const made = ip(["netns", "add", probe]);
  if (!made.ok) return `ip netns add failed: ${made.out}`;
  ip(["netns", "del", probe]);
  return undefined;
}

/** A little network: namespaces by role, veth links between them. */
export class VirtualNet {
  private readonly names = new Map<string, string>();
  private readonly children: ChildProcess[] = [];
  private readonly tag = randomBytes(3).toString("hex");

  /** The namespace of `host`, made on first use, with its loopback up. */
  ns(host: string): string {
    let name = this.names.get(host);
    if (name === undefined) {
      name = `q${host}${this.tag}`.slice(0, 15);
      must(ip(["netns", "add", name]), `ip netns add ${name}`);
      must(ip(["-n", name, "link", "set", "lo", "up"]), "lo up");
      this.names.set(host, name);
    }
    return name;
  }

  /** Join `a` and `b` with a veth pair on subnet 10.231.N.0/24 (a is .1, b is .2); returns the device names. */
  link(a: string, b: string, n: number): { devA: string; devB: string; ipA: string; ipB: string } {
    const devA = `va${n}${this.tag}`.slice(0, 15);
    const devB = `vb${n}${this.tag}`.slice(0, 15);
    must(ip(["link", "add", devA, "netns", this.ns(a), "type", "veth", "peer", "name", devB, "netns", this.ns(b)]), "ip link add veth");
    const ipA = `10.231.${n}.1`;
    const ipB = `10.231.${n}.2`;
    must(ip(["-n", this.ns(a), "addr", "add", `${ipA}/24`, "dev", devA]), "addr a");
    must(ip(["-n", this.ns(b), "addr", "add", `${ipB}/24`, "dev", devB]), "addr b");
    must(ip(["-n", this.ns(a), "link", "set", devA, "up"]), "up a");
    must(ip(["-n", this.ns(b), "link", "set", devB, "up"]), "up b");
    return { devA, devB, ipA, ipB };
  }

  /** `ip link set DEV down|up` in `host`'s namespace: cut or mend a link. */
  setLink(host: string, dev: string, state: "up" | "down"): void {
    must(ip(["-n", this.ns(host), "link", "set", dev, state]), `link ${dev} ${state}`);
  }

  /** The argv prefix that runs a command on `host`. */
  prefix(host: string): string[] {
    return ["ip", "netns", "exec", this.ns(host)];
  }

  /** Start `argv` on `host` (killed on destroy). */
  spawn(host: string, argv: string[], env: NodeJS.ProcessEnv): ChildProcess {
    const child = spawn("ip", ["netns", "exec", this.ns(host), ...argv], { env, stdio: ["ignore", "pipe", "pipe"] });
    this.children.push(child);
    return child;
  }

  /** Kill what was started and remove the namespaces (their veths go with them). */
  destroy(): void {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    for (const name of this.names.values()) ip(["netns", "del", name]);
    this.names.clear();
  }
}

function must(r: { ok: boolean; out: string }, what: string): void {
  if (!r.ok) throw new Error(`${what}: ${r.out}`);
}
