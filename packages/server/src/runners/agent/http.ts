// The agent's HTTP to the server: JSON requests with a bearer token (the
// runner's, or a run's), through fetch, with a deadline. A network failure
// or 5xx is a ServerUnreachable; any other non-2xx is a ServerRefused with
// the server's error code and message.

export class ServerUnreachable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ServerUnreachable";
  }
}

export class ServerRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The rest of the server's error object (e.g. `size` of offset_mismatch). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ServerRefused";
  }
}

export interface Call {
  method?: "GET" | "POST" | "PUT";
  /** JSON to send, or raw bytes. */
  json?: unknown;
  bytes?: Uint8Array;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** `fetch` `url` with `token`; resolves to the response when it is 2xx. */
export async function call(url: string, token: string, options: Call = {}): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  let body: string | Uint8Array | undefined;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.bytes !== undefined) {
    headers["content-type"] = "application/octet-stream";
    body = options.bytes;
  }
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  let res: Response;
  try {
    res = await fetch(url, { method: options.method ?? (body === undefined ? "GET" : "POST"), headers, body, signal });
  } catch (e) {
    throw new ServerUnreachable(`${url}: ${(e as Error).message}${(e as { cause?: Error }).cause ? ` (${(e as { cause?: Error }).cause!.message})` : ""}`, { cause: e });
  }
  if (res.status >= 500) throw new ServerUnreachable(`${url}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  if (res.status >= 400) {
    const text = await res.text();
    let error: Record<string, unknown> = {};
    try {
      error = (JSON.parse(text) as { error?: Record<string, unknown> }).error ?? {};
    } catch {
      // Not JSON: keep the text.
    }
    const code = typeof error.code === "string" ? error.code : "unknown";
    const message = typeof error.message === "string" ? error.message : text.slice(0, 500);
    throw new ServerRefused(res.status, code, `${url}: ${message}`, error);
  }
  return res;
}

/** `call` and parse the JSON answer with `parse`. */
export async function callJson<T>(url: string, token: string, parse: (v: unknown) => T, options: Call = {}): Promise<T> {
  const res = await call(url, token, options);
  return parse(await res.json());
}
