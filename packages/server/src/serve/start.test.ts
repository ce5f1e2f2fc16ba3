// The URL quire-ci is given for each bind address.
import { describe, expect, it } from "vitest";
import { serverUrlFor } from "./start.js";

describe("serverUrlFor", () => {
  it("gives quire-ci a loopback URL it can reach for any bind address", () => {
    expect(serverUrlFor("127.0.0.1", 3000)).toBe("http://127.0.0.1:3000");
    expect(serverUrlFor("0.0.0.0", 80)).toBe("http://127.0.0.1:80");
    expect(serverUrlFor("::", 3000)).toBe("http://[::1]:3000");
    expect(serverUrlFor("::1", 3000)).toBe("http://[::1]:3000");
    expect(serverUrlFor("10.0.0.5", 8080)).toBe("http://10.0.0.5:8080");
  });
});
