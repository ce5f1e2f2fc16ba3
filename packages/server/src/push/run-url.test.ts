import { describe, expect, it } from "vitest";
import { publicBaseUrl, runUrl } from "./run-url.js";

describe("runUrl", () => {
  it.each([
    [null, "http://127.0.0.1:3000", "app.git", "http://127.0.0.1:3000/app/runs/abc"],
    ["forge.example.org", "http://127.0.0.1:3000", "team/app.git", "https://forge.example.org/team/app/runs/abc"],
    ["http://10.0.0.2:8080/", "http://127.0.0.1:3000", "app.git", "http://10.0.0.2:8080/app/runs/abc"],
  ])("host %j, server %j, repo %j → %j", (host, server, repo, url) => {
    expect(runUrl(publicBaseUrl(host, server), { repo, id: "abc" })).toBe(url);
  });

  it("drops trailing slashes from the base", () => {
    expect(publicBaseUrl(null, "http://127.0.0.1:3000//")).toBe("http://127.0.0.1:3000");
  });
});
