// The repo home's mirrors box: each target the repository's pushes are copied
// to (mirror/status.ts, the query `quire mirror status` prints), how its last
// copy went, and what waits for the next one. Error text is git's, redacted.
import type { MirrorTargetStatus } from "../../mirror/status.js";
import { StatePill, Time } from "../layout/components.js";

function outcomeOf(t: MirrorTargetStatus): { state: string; label: string } {
  if (t.last === null) return { state: "pending", label: t.pendingRefs.length > 0 ? "waiting" : "not yet pushed" };
  switch (t.last.outcome) {
    case "ok":
      return { state: "complete", label: "ok" };
    case "needs-human":
      return { state: "failed", label: "needs a human" };
    default:
      return { state: "failed", label: t.failures > 1 ? `failed ${t.failures}×` : "failed" };
  }
}

export function MirrorsBox(props: { targets: MirrorTargetStatus[] }) {
  if (props.targets.length === 0) return null;
  return (
    <div class="box" id="mirrors">
      <div class="head">
        <strong>Mirrors</strong>
        <span class="muted small">every push is copied to these, never forced</span>
      </div>
      <div class="scroll">
        <table class="list">
          <tbody>
            {props.targets.map((t) => {
              const o = outcomeOf(t);
              const pushed = t.last?.refs.filter((r) => r.status === "pushed" || r.status === "deleted").length ?? 0;
              return (
                <tr>
                  <td class="mono">{t.url}</td>
                  <td>
                    <StatePill state={o.state} label={o.label} />
                  </td>
                  <td class="nowrap small">
                    <Time ms={t.last?.finishedAtMs} />
                  </td>
                  <td class="small">
                    {t.last?.error ? <span>{t.last.error}</span> : t.last !== null ? <span class="muted">{pushed} ref{pushed === 1 ? "" : "s"} pushed</span> : null}
                    {t.pendingRefs.length > 0 ? (
                      <span class="muted">
                        {" "}
                        · {t.pendingRefs.length} waiting{t.nextAttemptAtMs !== null ? <> (next try <Time ms={t.nextAttemptAtMs} />)</> : null}
                      </span>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
