// Who is asking: the `Remote-User` header, believed only on connections from a
// `:trusted-proxies` address (exact or CIDR) or through the Unix-socket
// listener, and ignored from anyone else (SPEC §9).
import { isIP, type BlockList } from "node:net";

/** A reader the proxy vouched for. */
export interface Identity {
  user: string;
}

/** How a request reached the server. */
export interface Peer {
  /** Remote address of a TCP connection; undefined on a Unix socket. */
  address: string | undefined;
  /** True when the request came through the Unix-socket listener. */
  unixSocket: boolean;
}

/** Most characters a user name may have; longer headers are ignored. */
const MAX_USER = 200;

/** True when `peer` may vouch for a user. */
export function isTrustedPeer(peer: Peer, trusted: BlockList): boolean {
  if (peer.unixSocket) return true;
  const address = peer.address;
  if (address === undefined) return false;
  // IPv4 clients of a dual-stack listener appear as ::ffff:a.b.c.d.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped !== null) return trusted.check(mapped[1]!, "ipv4") || trusted.check(address, "ipv6");
  const family = isIP(address);
  if (family === 0) return false;
  return trusted.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** The identity a request carries, or null (anonymous). */
export function identify(peer: Peer, header: string | undefined, trusted: BlockList): Identity | null {
  if (header === undefined || !isTrustedPeer(peer, trusted)) return null;
  const user = header.trim();
  // Control characters never make a user name; a header carrying them is ignored, not trusted in part.
  if (user === "" || user.length > MAX_USER || /[\u0000-\u001f\u007f]/.test(user)) return null;
  return { user };
}
