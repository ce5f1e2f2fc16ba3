import { describe, expect, it } from "vitest";
import { identify, isTrustedPeer } from "./identity.js";
import { trustedProxyList } from "../../config/trusted-proxies.js";

describe("identify", () => {
  const trusted = trustedProxyList(["10.0.0.0/8", "192.168.1.5", "fd00::/8"]);
  const tcp = (address: string) => ({ address, unixSocket: false });

  it("believes Remote-User only from trusted addresses or the Unix socket", () => {
    expect(identify(tcp("10.1.2.3"), "alice", trusted)).toEqual({ user: "alice" });
    expect(identify(tcp("::ffff:192.168.1.5"), "alice", trusted)).toEqual({ user: "alice" });
    expect(identify(tcp("fd12::1"), "alice", trusted)).toEqual({ user: "alice" });
    expect(identify({ address: undefined, unixSocket: true }, "alice", trusted)).toEqual({ user: "alice" });
    for (const a of ["11.0.0.1", "192.168.1.6", "::ffff:11.0.0.1", "fe80::1", "127.0.0.1", "not-an-ip"]) {
      expect(identify(tcp(a), "alice", trusted)).toBeNull();
    }
    expect(isTrustedPeer({ address: undefined, unixSocket: false }, trusted)).toBe(false);
  });

  it("refuses empty, over-long and control-character names even from a trusted proxy", () => {
    for (const bad of ["", "   ", "a".repeat(201), "bob\u0000", "bob\nadmin", "x\u007f"]) {
      expect(identify(tcp("10.0.0.1"), bad, trusted)).toBeNull();
    }
    expect(identify(tcp("10.0.0.1"), undefined, trusted)).toBeNull();
  });

  it("rejects a bad :trusted-proxies entry by name", () => {
    expect(() => trustedProxyList(["10.0.0.0/33"])).toThrow(/"10.0.0.0\/33" has a bad prefix length/);
    expect(() => trustedProxyList(["proxy.local"])).toThrow(/"proxy.local" is not an IP address or CIDR block/);
    expect(() => trustedProxyList(["1.2.3.4/8/9"])).toThrow(/not an IP address/);
  });
});
