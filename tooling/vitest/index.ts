// Shared vitest settings for packages that talk to a database. Files named *.pg.test.ts hold
// the concurrency and locking suites: they need real PostgreSQL and run when DATABASE_URL is set.
import { configDefaults, defineConfig } from "vitest/config";

export const usesPostgres = Boolean(process.env.DATABASE_URL);

export const databaseTestConfig = () =>
  defineConfig({
    test: {
      testTimeout: 60_000,
      hookTimeout: 60_000,
      exclude: usesPostgres ? configDefaults.exclude : [...configDefaults.exclude, "**/*.pg.test.ts"],
    },
  });
