// A real ssh git remote for tests: OpenSSH's sshd on a loopback port, with a
// host key, one authorized client key and its own pid file, all in a
// temporary directory. The login user is the one running the tests; git on
// the far side runs through that user's shell as it would on any ssh host.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { userInfo } from "node:os";
import path from "node:path";
import { deadPort } from "../helpers.js";

export const SSHD = "/usr/sbin/sshd";

/** Why sshd cannot run here, or undefined when it can. */
export function sshdProblem(): string | undefined {
  if (!existsSync(SSHD)) return `${SSHD} is missing (Debian package openssh-server)`;
  try {
    execFileSync("ssh-keygen", ["-?"], { stdio: "ignore" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return "ssh-keygen is missing (Debian package openssh-client)";
  }
  // sshd as root needs its privilege separation directory.
  if (process.getuid?.() === 0) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  return undefined;
}

export interface SshRemote {
  /** `ssh://USER@127.0.0.1:PORT` — append the repository's absolute path. */
  base: string;
  /** The known_hosts line of this server's host key. */
  knownHostsLine: string;
  /** A private key file sshd accepts. */
  clientKey: string;
  /** A private key file sshd does not accept. */
  strangerKey: string;
  close(): Promise<void>;
}

function keygen(file: string): void {
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "quire-test", "-f", file], { stdio: "ignore" });
}

/** Resolves once sshd accepts TCP connections and greets with its banner. */
async function waitForBanner(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, "127.0.0.1");
      sock.once("data", (d) => {
        sock.destroy();
        resolve(d.toString().startsWith("SSH-"));
      });
      sock.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd did not answer on port ${port}: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startSshRemote(dir: string): Promise<SshRemote> {
  mkdirSync(dir, { recursive: true });
  const hostKey = path.join(dir, "host_key");
  const clientKey = path.join(dir, "client_key");
  const strangerKey = path.join(dir, "stranger_key");
  for (const k of [hostKey, clientKey, strangerKey]) keygen(k);
  const authorized = path.join(dir, "authorized_keys");
  writeFileSync(authorized, readFileSync(`${clientKey}.pub`));
  const port = await deadPort();
  const config = path.join(dir, "sshd_config");
  writeFileSync(
    config,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${authorized}`,
      "StrictModes no",
      "PermitRootLogin prohibit-password",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "UsePAM no",
      "LogLevel ERROR",
      "",
    ].join("\n"),
  );
  let stderr = "";
  // -D: stay in the foreground, so killing the child stops the server; -e: log to stderr.
  const child = spawn(SSHD, ["-D", "-e", "-f", config], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr!.on("data", (d) => (stderr += d));
  await waitForBanner(port, child, () => stderr);
  const hostPub = readFileSync(`${hostKey}.pub`, "utf8").trim().split(" ").slice(0, 2).join(" ");
  return {
    base: `ssh://${userInfo().username}@127.0.0.1:${port}`,
    knownHostsLine: `[127.0.0.1]:${port} ${hostPub}`,
    clientKey,
    strangerKey,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
