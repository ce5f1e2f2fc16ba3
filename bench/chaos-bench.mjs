// The chaos harness at full size: N rounds (default 100; CHAOS_ROUNDS or the
// first argument) of kill -9 of the server and of quire-ci, pushes while the
// server is down, a locked database and a full disk, against a real server,
// quire-ci and git. Prints lost / stuck / leaked (goal 0 / 0 / 0) and the
// rounds whose quire.db failed its integrity check. See bench/lib/chaos.mjs.
import { runChaos } from "./lib/chaos.mjs";

const rounds = Number(process.argv[2] ?? process.env.CHAOS_ROUNDS ?? 100);
const seed = process.env.CHAOS_SEED === undefined ? undefined : Number(process.env.CHAOS_SEED);
const started = Date.now();
const t = await runChaos({ rounds, ...(seed === undefined ? {} : { seed }), log: (line) => process.stdout.write(`  ${line}\n`) });
process.stdout.write(
  `chaos: ${t.rounds} rounds (seed ${t.seed}; ${Object.entries(t.faults).map(([k, v]) => `${k} ${v}`).join(", ")}; full disk: ${t.fullDisk}), ${t.pushes} pushes, ${((Date.now() - started) / 1000).toFixed(0)} s\n` +
    `chaos: lost ${t.lost} / stuck ${t.stuck} / leaked ${t.leaked} (goal 0 / 0 / 0); integrity_check failed in ${t.integrity} rounds (goal 0)\n`,
);
process.exitCode = t.lost + t.stuck + t.leaked + t.integrity === 0 ? 0 : 1;
