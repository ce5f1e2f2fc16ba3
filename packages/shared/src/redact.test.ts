import { expect, test } from "vitest";
import { Redactor } from "./redact.js";

test("values of 8 bytes or more are replaced by their name, longest first", () => {
  const r = new Redactor();
  r.add("short", "1234567"); // 7 bytes: left alone
  r.add("token", "abcdefgh");
  r.add("long", "abcdefgh-and-more");
  expect(r.redact("1234567 abcdefgh abcdefgh-and-more")).toBe("1234567 {{ token }} {{ long }}");
});

test("multi-line secrets are also redacted line by line; multibyte length counts bytes", () => {
  const r = new Redactor();
  r.add("key", "-----BEGIN-----\nline-two-of-key\n");
  r.add("pass", "ééééé"); // 5 characters, 10 bytes
  expect(r.redact("x line-two-of-key y")).toBe("x {{ key }} y");
  expect(r.redact("pw=ééééé")).toBe("pw={{ pass }}");
  expect(new Redactor().redact("nothing to hide")).toBe("nothing to hide");
});
