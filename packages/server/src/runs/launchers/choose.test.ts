import { describe, expect, it } from "vitest";
import { ownGroups } from "./cgroups.js";
import { chooseLauncher, defaultLauncherName } from "./choose.js";
import { parseRunsOn } from "./route.js";

describe("chooseLauncher", () => {
  it("follows a repository only towards more isolation", () => {
    expect(chooseLauncher("bwrap", undefined)).toEqual({ launcher: "bwrap" });
    expect(chooseLauncher("bwrap", "remote")).toEqual({ launcher: "remote" });
    expect(chooseLauncher("local", "bwrap")).toEqual({ launcher: "bwrap" });
    expect(chooseLauncher("local", "remote")).toEqual({ launcher: "remote" });
    expect(chooseLauncher("remote", "bwrap")).toEqual({ launcher: "bwrap" });
    for (const server of ["bwrap", "remote"] as const) {
      const r = chooseLauncher(server, "local");
      expect(r.launcher).toBe(server);
      expect(r.note).toMatch(/may not leave the server's \w+ launcher/);
    }
    const bad = chooseLauncher("bwrap", "docker");
    expect(bad).toEqual({ launcher: "bwrap", note: expect.stringMatching(/:launcher must be "local", "bwrap" or "remote", got "docker"/) });
  });

  it("picks bwrap only where it is on PATH", () => {
    expect(defaultLauncherName("/nonexistent-dir")).toBe("local");
  });
});

describe("parseRunsOn", () => {
  it("takes a label or a sequence of labels, sorted and unique, and names what it ignores", () => {
    expect(parseRunsOn(undefined, "x")).toEqual({ labels: [] });
    expect(parseRunsOn("arm64", "x")).toEqual({ labels: ["arm64"] });
    expect(parseRunsOn(["linux", "arm64", "linux"], "x")).toEqual({ labels: ["arm64", "linux"] });
    expect(parseRunsOn(["ARM"], "f")).toEqual({ note: expect.stringMatching(/^f: :runs-on must be a sequence of labels/) });
    expect(parseRunsOn({ a: 1 }, "f")).toHaveProperty("note");
  });
});

describe("ownGroups", () => {
  it("finds each controller's mount and this process's group in it, also when only part of the hierarchy is mounted", () => {
    const mountinfo = [
      "36 25 0:31 / /sys/fs/cgroup/memory rw,relatime shared:13 - cgroup cgroup rw,memory",
      "37 25 0:32 / /sys/fs/cgroup/pids rw,relatime shared:14 - cgroup cgroup rw,pids",
      "38 25 0:33 /outer /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:15 - cgroup cgroup rw,cpu,cpuacct",
      "39 25 0:34 / /sys/fs/cgroup/unified rw,relatime shared:16 - cgroup2 cgroup2 rw",
    ].join("\n");
    const self = ["4:memory:/svc/a", "8:pids:/", "2:cpu,cpuacct:/outer/inner", "0::/"].join("\n");
    expect(ownGroups(mountinfo, self)).toEqual({
      memory: "/sys/fs/cgroup/memory/svc/a",
      pids: "/sys/fs/cgroup/pids/",
      cpuacct: "/sys/fs/cgroup/cpu,cpuacct/inner",
    });
    expect(ownGroups("", self)).toEqual({});
  });
});
