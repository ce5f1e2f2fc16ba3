// Request paths are open input: fast-check throws hostile and random paths at
// a real quire and checks that none gets a 500 or a byte of anything outside
// the repositories, and that link building and path parsing agree on any bytes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { buildFixtureRepo } from "./fixture-repo.js";
import { request, startWeb, type WebHarness } from "./harness.js";
import { BadPathError, decodeJobSegment, decodeSegment, encodePath, encodeSegment, links, parsePath, segmentText } from "../../src/web/url.js";

let web: WebHarness;
const CANARY = "canary-outside-the-repositories-7f3a";

beforeAll(async () => {
  web = await startWeb((repos) => {
    buildFixtureRepo(repos, "demo");
    buildFixtureRepo(repos, "secret", { configFnl: "{:private true}" });
    // Files beside and above the repositories that no path may reach.
    writeFileSync(path.join(repos, "..", "outside.txt"), CANARY);
    writeFileSync(path.join(repos, "outside.txt"), CANARY);
  });
}, 60_000);

afterAll(async () => {
  await web?.close();
});

const pieces = fc.constantFrom(
  "demo", "secret", "team", "tree", "blob", "raw", "blame", "log", "commit", "refs", "main", "v0.2", "HEAD",
  "..", ".", "%2e%2e", ".%2E", "%2F", "%00", "%ZZ", "%", "now.c", "outside.txt", "config.fnl", "quire.db", "repos",
  "~", "%C3%A9", "%E9", "<script>", "'", '"', " ", "%20", "a b", "\\", "..%5c..", "HEAD~1", "main^{tree}", "@{-1}",
  ":/Initial", "-n", "--output=x", "831dbc2", "0".repeat(40), "refs%2Fheads%2Fmain",
);

describe("hostile request paths", () => {
  it("never answer 500 and never serve what lies outside the repositories", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(pieces, fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 7 }), fc.boolean(), async (segs, slash) => {
        const p = "/" + segs.map((s) => s.replace(/[\s?#]/g, (c) => encodeURIComponent(c))).join("/") + (slash ? "/" : "");
        const r = await request(web.base, p);
        // 503 is the busy answer of expensive pages (Retry-After), not a failure; nothing else in 5xx may appear.
        if (r.status !== 503) expect(r.status, `${p}: ${r.text.slice(0, 300)}`).toBeLessThan(500);
        expect(r.text, p).not.toContain(CANARY);
        // A malformed path is a 400 before any repository is looked at; otherwise a private one is a 404.
        if (segs[0] === "secret") expect([400, 404], p).toContain(r.status);
      }),
      { numRuns: 300 },
    );
  }, 120_000);
});

describe("URL encoding of paths", () => {
  it("any bytes survive encodeSegment → parsePath", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 5 }), (raw) => {
        const segs = raw.map((a) => Buffer.from(a));
        const url = "/" + encodePath(segs);
        const ok = segs.every((s) => !s.includes(0) && !s.includes(0x2f) && s.toString("latin1") !== "." && s.toString("latin1") !== "..");
        if (!ok) {
          expect(() => parsePath(url)).toThrow(BadPathError);
          return;
        }
        expect(parsePath(url).map((b) => b.toString("hex"))).toEqual(segs.map((b) => b.toString("hex")));
      }),
      { numRuns: 500 },
    );
  });

  it("a segment given as text encodes as its UTF-8 bytes do (the fast path for plain names agrees)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 20 }), fc.stringMatching(/^[A-Za-z0-9._~-]{0,20}$/)), (s) => {
        expect(encodeSegment(s)).toBe(encodeSegment(Buffer.from(s, "utf8")));
      }),
    );
  });

  it("encoded segments hold no character that ends a path, query or attribute", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 20 }), (s) => {
        const e = encodeSegment(s);
        expect(e).not.toMatch(/[/?#"<>\s\\%](?![0-9A-F]{2})/);
        expect(decodeSegment(e).toString("utf8")).toBe(Buffer.from(s, "utf8").toString("utf8"));
      }),
    );
  });

  it("any job id, dots included, has log URLs a browser keeps as they are and the router maps back to it", () => {
    const ids = fc.oneof(
      fc.constantFrom(".", "..", "~.", "~..", "~~..", "...", ".a", "~", "%2e", "%2E%2E", "build"),
      fc.stringMatching(/^[~.]{1,5}$/),
      fc.string({ unit: "binary", minLength: 1, maxLength: 12 }).filter((s) => !s.includes("/") && !s.includes("\0")),
    );
    fc.assert(
      fc.property(ids, fc.integer({ min: 1, max: 99 }), fc.boolean(), (id, n, raw) => {
        for (const url of [links.shLog("team/app", "7", id, n, raw), links.jobOutput("team/app", "7", id, raw)]) {
          // What a browser (WHATWG URL) would request: dot segments, even %2E ones, would be folded away.
          expect(new URL(url, "http://quire.test").pathname, id).toBe(url);
          const segs = parsePath(url);
          expect(segs[4]?.toString("latin1")).toBe("jobs");
          expect(decodeJobSegment(segmentText(segs[5]!)!)).toBe(id);
        }
      }),
      { numRuns: 500 },
    );
  });
});
