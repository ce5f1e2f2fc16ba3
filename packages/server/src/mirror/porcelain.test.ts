import { expect, it } from "vitest";
import { parsePorcelain } from "./porcelain.js";

it("reads every kind of ref line git push --porcelain writes", () => {
  const out = [
    "To https://example.org/x.git",
    "*\trefs/heads/main:refs/heads/other\t[new branch]",
    " \trefs/heads/main:refs/heads/main\tb5f282a..baef0b2",
    "=\trefs/tags/v1:refs/tags/v1\t[up to date]",
    "-\t:refs/heads/gone\t[deleted]",
    "!\trefs/heads/dev:refs/heads/dev\t[rejected] (fetch first)",
    "!\trefs/heads/x:refs/heads/x\t[rejected] (non-fast-forward)",
    "!\trefs/tags/v2:refs/tags/v2\t[rejected] (already exists)",
    "!\trefs/heads/y:refs/heads/y\t[remote rejected] (pre-receive hook declined)",
    "Done",
  ].join("\n");
  expect(parsePorcelain(out)).toEqual([
    { ref: "refs/heads/other", status: "pushed", detail: "[new branch]" },
    { ref: "refs/heads/main", status: "pushed", detail: "b5f282a..baef0b2" },
    { ref: "refs/tags/v1", status: "up-to-date", detail: "[up to date]" },
    { ref: "refs/heads/gone", status: "deleted", detail: "[deleted]" },
    { ref: "refs/heads/dev", status: "diverged", detail: "[rejected] (fetch first)" },
    { ref: "refs/heads/x", status: "diverged", detail: "[rejected] (non-fast-forward)" },
    { ref: "refs/tags/v2", status: "diverged", detail: "[rejected] (already exists)" },
    { ref: "refs/heads/y", status: "rejected", detail: "[remote rejected] (pre-receive hook declined)" },
  ]);
  expect(parsePorcelain("fatal: could not read from remote\n")).toEqual([]);
});
