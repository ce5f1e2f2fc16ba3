// Log size against output size: the built quire-ci in server mode (as `quire
// serve` runs it) on commands printing small and large lines, and beside each
// the same command with its output sent straight to a file (the peer). Prints
// bytes, the ratio (goal: under 2× even for 2-byte lines) and the time the sh
// took against the peer.
// Usage: node bench/log-format-bench.mjs [--quick]   (after pnpm build)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { apiServer, runServerMode, workspace } from "./lib/server-mode.mjs";

const quick = process.argv.includes("--quick");
const MB = quick ? 3 : 30;
const bytes = MB * 1000 * 1000;

const cases = [
  [`${MB} MB of 2-byte lines`, `yes x | head -c ${bytes}`],
  [`${MB} MB of empty lines`, `yes '' | head -c ${bytes}`],
  [`${MB} MB of 80-byte lines`, `yes "$(printf '%079d' 0)" | head -c ${bytes}`],
  // Flushed per line, so the streams really alternate line by line (as `set -x` traces do).
  ["1 MB of 2-byte lines, stdout and stderr by turns", `yes x | head -c 1000000 | awk '{ f = NR % 2 ? "/dev/stdout" : "/dev/stderr"; print > f; fflush(f) }'`],
  ["a 2-byte line every millisecond for 2 s", `i=0; while [ $i -lt 2000 ]; do echo x; sleep 0.001; i=$((i+1)); done`],
  ["a 2-byte line every 50 ms for 2 s", `i=0; while [ $i -lt 40 ]; do echo x; sleep 0.05; i=$((i+1)); done`],
];

const api = await apiServer();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "quire-log-bench-"));
const mb = (n) => `${(n / 1e6).toFixed(3)} MB`;
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
// The CRI lines written before: a 30-byte timestamp, the stream, a tag and two spaces per line.
const CRI_PER_LINE = 30 + 1 + 6 + 1 + 1 + 1;
console.log("case".padEnd(52) + "output       log          log/output  (CRI was)  sh in quire-ci  sh > file");
let worstBulk = 0;
for (const [name, command] of cases) {
  // The peer: the same command, its output straight into a file.
  const raw = path.join(scratch, "raw.out");
  const t = performance.now();
  spawnSync("sh", ["-c", `(${command}) > ${raw} 2>&1`], { stdio: "ignore" });
  const peerMs = performance.now() - t;
  const outputBytes = fs.statSync(raw).size;
  const rawText = fs.readFileSync(raw);
  let lines = 0;
  for (let i = rawText.indexOf(10); i >= 0; i = rawText.indexOf(10, i + 1)) lines++;
  const criRatio = (outputBytes + lines * CRI_PER_LINE) / outputBytes;

  const ws = workspace(`(local ci (require :quire.ci))\n(ci.job :out [:quire/push] (fn [{: sh}] (sh ${JSON.stringify(command)})))\n`);
  const { events, runDir } = await runServerMode(api, ws);
  const at = (type) => events.find((e) => e.type === type).at_ms;
  const oursMs = at("sh_finished") - at("sh_started");
  const logBytes = fs.statSync(path.join(runDir, "jobs/out/sh-1.log")).size;
  const ratio = logBytes / outputBytes;
  if (outputBytes >= 1e6) worstBulk = Math.max(worstBulk, ratio);
  console.log(
    name.padEnd(52) + mb(outputBytes).padEnd(13) + mb(logBytes).padEnd(13) + `${ratio.toFixed(3)}×`.padEnd(12) + `${criRatio.toFixed(1)}×`.padEnd(11) + s(oursMs).padEnd(16) + s(peerMs),
  );
  fs.rmSync(runDir, { recursive: true, force: true });
  fs.rmSync(ws, { recursive: true, force: true });
}
console.log(
  `worst log/output ratio with output in bulk: ${worstBulk.toFixed(3)}× (goal: under 2×). ` +
    "Sparse output pays one time mark (≤ 8 bytes) per 10 ms in which it arrives.",
);
api.server.close();
fs.rmSync(scratch, { recursive: true, force: true });
