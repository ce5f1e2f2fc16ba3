// The live event sink against a real HTTP server on 127.0.0.1.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, test } from "vitest";
import type { RunEvent } from "@quire/shared";
import { HttpClient } from "./http-client.js";
import { HttpEventSink } from "./http-sink.js";

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

function event(seq: number): RunEvent {
  return { type: "job_started", job_id: `j${seq}`, seq, at_ms: 1 };
}

async function serve(handler: (body: unknown[], res: http.ServerResponse) => void): Promise<string> {
  const server = http.createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += c.toString()));
    req.on("end", () => {
      const value = JSON.parse(text) as unknown;
      handler(Array.isArray(value) ? value : [value], res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test("a 409 naming the expected seq skips what the server already has", async () => {
  const seen: number[] = [];
  let first = true;
  const url = await serve((body, res) => {
    const seqs = body.map((e) => (e as RunEvent).seq);
    if (first) {
      first = false; // pretend seq 1 and 2 were recorded by an earlier attempt
      res.writeHead(409, { "content-type": "application/json" });
      return res.end(JSON.stringify({ error: { code: "seq_out_of_order", message: "dup", expected_seq: 3 } }));
    }
    seen.push(...seqs);
    res.writeHead(200).end("{}");
  });
  const client = new HttpClient(url, "t");
  const sink = new HttpEventSink(client);
  for (let i = 1; i <= 4; i++) sink.write(event(i));
  await sink.close();
  client.close();
  expect(seen).toEqual([3, 4]);
  expect(sink.delivered).toBe(4);
});

test("a refused token stops delivery without failing anything", async () => {
  let calls = 0;
  const url = await serve((_body, res) => {
    calls++;
    res.writeHead(401).end("{}");
  });
  const warnings: string[] = [];
  const client = new HttpClient(url, "bad");
  const sink = new HttpEventSink(client, { warn: (m) => warnings.push(m) });
  sink.write(event(1));
  sink.write(event(2));
  await sink.close();
  client.close();
  expect(calls).toBe(1);
  expect(sink.dropped).toBe(2);
  expect(warnings[0]).toContain("refused the run token");
});

test("an unreachable server is given up on at close within the drain time", async () => {
  const url = await serve(() => undefined);
  servers[0]!.close();
  const client = new HttpClient(url, "t");
  const sink = new HttpEventSink(client, { drainMs: 300, backoffMs: 20 });
  sink.write(event(1));
  const started = Date.now();
  await sink.close();
  client.close();
  expect(Date.now() - started).toBeLessThan(2000);
  expect(sink.dropped).toBe(1);
});

test("a 409 asking for an event it refused earlier ends delivery instead of spinning", async () => {
  // As the real server: seq 2 is malformed (400), so it keeps expecting seq 2.
  let calls = 0;
  let next = 1;
  const url = await serve((body, res) => {
    calls++;
    const seqs = body.map((e) => (e as RunEvent).seq);
    if (seqs.includes(2) && seqs[0] === next && seqs.length === 1) {
      res.writeHead(400, { "content-type": "application/json" });
      return res.end(JSON.stringify({ error: { code: "bad_request", message: "malformed" } }));
    }
    if (seqs[0] !== next) {
      res.writeHead(409, { "content-type": "application/json" });
      return res.end(JSON.stringify({ error: { code: "seq_out_of_order", message: "gap", expected_seq: next } }));
    }
    const ok = seqs.indexOf(2) < 0 ? seqs.length : seqs.indexOf(2);
    if (ok < seqs.length) {
      next += ok;
      res.writeHead(400, { "content-type": "application/json" });
      return res.end(JSON.stringify({ error: { code: "bad_request", message: "malformed" } }));
    }
    next += ok;
    res.writeHead(200).end("{}");
  });
  const warnings: string[] = [];
  const client = new HttpClient(url, "t");
  const sink = new HttpEventSink(client, { warn: (m) => warnings.push(m), coalesceMs: 0 });
  sink.write(event(1));
  await new Promise((r) => setTimeout(r, 50));
  for (let i = 2; i <= 5; i++) sink.write(event(i));
  const started = Date.now();
  await sink.close();
  client.close();
  expect(Date.now() - started).toBeLessThan(2000);
  expect(calls).toBeLessThan(10);
  expect(sink.delivered).toBe(1);
  expect(sink.dropped).toBe(4);
  expect(warnings.join("\n")).toContain("rejected event seq 2");
  expect(warnings.join("\n")).toContain("expects event seq 2");
});

test("a 409 with no progress stops even when events keep coming", async () => {
  let calls = 0;
  const url = await serve((_body, res) => {
    calls++;
    res.writeHead(409, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "seq_out_of_order", message: "gap", expected_seq: 1 } }));
  });
  const client = new HttpClient(url, "t");
  const sink = new HttpEventSink(client, { coalesceMs: 0 });
  for (let i = 5; i <= 8; i++) sink.write(event(i));
  await new Promise((r) => setTimeout(r, 100));
  sink.write(event(9));
  await sink.close();
  client.close();
  expect(calls).toBe(1);
  expect(sink.dropped).toBe(4);
});

test("a long burst of events costs a request per interval, not one per event, and all arrive in order", async () => {
  const seen: number[] = [];
  const url = await serve((body, res) => {
    seen.push(...body.map((e) => (e as RunEvent).seq));
    res.writeHead(200).end("{}");
  });
  const client = new HttpClient(url, "t");
  const sink = new HttpEventSink(client, { coalesceMs: 1, minIntervalMs: 100 });
  // Two events every 5 ms, as quick sh calls make them.
  const started = performance.now();
  for (let seq = 1; seq <= 120; seq += 2) {
    sink.write(event(seq));
    sink.write(event(seq + 1));
    await new Promise((r) => setTimeout(r, 5));
  }
  const spanMs = performance.now() - started;
  await sink.close();
  client.close();
  expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  // One request per started 100 ms of the burst, one more for the close.
  expect(sink.requests).toBeLessThanOrEqual(Math.ceil(spanMs / 100) + 2);
  expect(sink.requests).toBeLessThan(60);
});
