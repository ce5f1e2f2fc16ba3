import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "vitest";
import { resolveInWorkspace } from "./workspace-path.js";

const ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "quire-ci-wp-")));
fs.mkdirSync(path.join(ws, "sub"));
fs.symlinkSync("/", path.join(ws, "root-link"));
fs.symlinkSync("sub", path.join(ws, "inner-link"));

test("paths inside the workspace resolve, existing or not", () => {
  expect(resolveInWorkspace(ws, "sub", "p")).toBe(path.join(ws, "sub"));
  expect(resolveInWorkspace(ws, "sub/new/file.txt", "p")).toBe(path.join(ws, "sub/new/file.txt"));
  expect(resolveInWorkspace(ws, "inner-link/x", "p")).toBe(path.join(ws, "sub/x"));
  expect(resolveInWorkspace(ws, ".", "p")).toBe(ws);
});

test("escapes are refused: .., absolute paths, symlinks leading out", () => {
  expect(() => resolveInWorkspace(ws, "..", ":cwd")).toThrow(':cwd ".." is outside the workspace');
  expect(() => resolveInWorkspace(ws, "sub/../../x", ":cwd")).toThrow("outside the workspace");
  expect(() => resolveInWorkspace(ws, "/etc", ":cwd")).toThrow("outside the workspace");
  expect(() => resolveInWorkspace(ws, "root-link/etc", ":cwd")).toThrow("leads outside the workspace through a symlink");
  expect(() => resolveInWorkspace(ws, "", ":cwd")).toThrow("non-empty path");
});
