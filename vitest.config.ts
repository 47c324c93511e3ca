import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: keep parallel workers modest so server-backed suites are not starved.
    maxWorkers: 2,
    minWorkers: 1,
  },
})
