import { expect, it } from "vitest";
import { effectiveNotifications } from "./settings.js";

it("lays a repo's keys over the global ones, key by key", () => {
  const global = { to: ["ops@example.org"], webhook: { url: "https://h.example.org/", secret: "k" }, from: "q@example.org" };
  expect(effectiveNotifications(global, undefined)).toEqual({ to: ["ops@example.org"], on: ["ci-failed", "ci-fixed"], webhook: global.webhook });
  expect(effectiveNotifications(global, { to: ["me@example.org"], on: ["ci-failed"] })).toEqual({ to: ["me@example.org"], on: ["ci-failed"], webhook: global.webhook });
  expect(effectiveNotifications(global, { to: [], webhook: false })).toEqual({ to: [], on: ["ci-failed", "ci-fixed"], webhook: null });
  expect(effectiveNotifications({}, {})).toEqual({ to: [], on: ["ci-failed", "ci-fixed"], webhook: null });
});
