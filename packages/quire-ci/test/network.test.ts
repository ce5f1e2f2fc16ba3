// `:network false` for real: a TCP server on loopback counts connections while
// pipelines try to reach it from jobs with and without a network, set per job
// and for the whole run (ci.options). A job told to have no network must not
// reach it; the others must.
import net from "node:net";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runInProcess, workspaceWith } from "./helpers.js";

const canUnshare = ["--net", "--user --map-current-user --net"].some(
  (flags) => spawnSync("unshare", [...flags.split(" "), "--", "true"]).status === 0,
);

let server: net.Server;
let port = 0;
let connections = 0;

beforeAll(async () => {
  server = net.createServer((socket) => {
    connections++;
    socket.end("hello\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A job that connects to the test server; `opts` is its options table. */
const reach = (id: string, opts = "") =>
  `(ci.job :${id} [:quire/push] (fn [{: sh : env}] (sh ["bash" "-c" (.. "exec 3<>/dev/tcp/127.0.0.1/" (env :NET_PORT) " && head -1 <&3")])) {:allow-failure true ${opts}})`;

describe.skipIf(!canUnshare)("`:network false` (skipped where `unshare --net` cannot make a network namespace)", () => {
  test("per job: the job without a network cannot connect, its sibling can", async () => {
    const before = connections;
    const ws = workspaceWith(`(local ci (require :quire.ci))\n${reach("offline", ":network false")}\n${reach("online")}\n`);
    const { events } = await runInProcess(ws, { env: { NET_PORT: String(port) } });
    const outcome = (id: string) => events.find((e) => e.type === "job_finished" && e.job_id === id);
    expect(outcome("online")).toMatchObject({ outcome: "complete" });
    expect(outcome("offline")).toMatchObject({ outcome: "failed" });
    expect(connections - before).toBe(1);
    const sh = events.find((e) => e.type === "sh_finished" && e.job_id === "offline");
    expect(sh).toMatchObject({ exit_code: 1 });
  });

  test("per run: ci.options :network false reaches every job, and a job may turn it back on", async () => {
    const before = connections;
    const ws = workspaceWith(
      `(local ci (require :quire.ci))\n(ci.options {:network false})\n${reach("a")}\n${reach("b")}\n${reach("c", ":network true")}\n`,
    );
    const { events } = await runInProcess(ws, { env: { NET_PORT: String(port) } });
    const states = Object.fromEntries(events.flatMap((e) => (e.type === "job_finished" ? [[e.job_id, e.outcome]] : [])));
    expect(states).toEqual({ a: "failed", b: "failed", c: "complete" });
    expect(connections - before).toBe(1);
  });

  test("without options every job has the network", async () => {
    const before = connections;
    const ws = workspaceWith(`(local ci (require :quire.ci))\n${reach("a")}\n${reach("b")}\n`);
    const { result } = await runInProcess(ws, { env: { NET_PORT: String(port) } });
    expect(result.outcome).toBe("success");
    expect(connections - before).toBe(2);
  });
});
