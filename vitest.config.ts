// Root test configuration: every package's unit tests (src/**/*.test.ts beside
// the code) and process-level tests (packages/*/test/**/*.test.ts).
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["source"] },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["packages/*/src/**/*.test.{ts,tsx}", "packages/*/test/**/*.test.{ts,tsx}"],
    // Process-group tests and chdir need real child processes, not worker threads.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
