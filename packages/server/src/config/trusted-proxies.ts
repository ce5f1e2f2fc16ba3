// `:trusted-proxies` (SPEC §9): the addresses or CIDR blocks whose
// `Remote-User` header the web view believes. Parsed once at start, so a bad
// entry stops the server with its name instead of silently trusting nobody.
import { BlockList, isIP } from "node:net";
import { ConfigError } from "../errors.js";

/** Parse `:trusted-proxies` entries (addresses or CIDR blocks) into a matcher; throws naming a bad entry. */
export function trustedProxyList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [addr, bits, extra] = entry.split("/");
    const family = isIP(addr ?? "");
    if (family === 0 || extra !== undefined) throw new ConfigError("trusted-proxies", `entry ${JSON.stringify(entry)} is not an IP address or CIDR block such as "10.0.0.0/8"`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(addr!, type);
    else {
      const prefix = Number(bits);
      if (!/^\d+$/.test(bits) || prefix > (family === 4 ? 32 : 128)) throw new ConfigError("trusted-proxies", `entry ${JSON.stringify(entry)} has a bad prefix length`);
      list.addSubnet(addr!, prefix, type);
    }
  }
  return list;
}

