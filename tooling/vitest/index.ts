// Shared vitest settings for packages that talk to a database. Files named *.pg.test.ts hold
// the concurrency and locking suites: they need real PostgreSQL and run when DATABASE_URL is set.
import { configDefaults, defineConfig } from "vitest/config";

export const usesPostgres = Boolean(process.env.DATABASE_URL);

export const databaseTestConfig = () =>
  defineConfig({
    test: {
      // Files share one module graph per worker (the engine, drizzle, PGlite's compiled WASM):
      // importing it again for each file cost a third of the run. Each file still has a database
      // of its own (createTestDatabase), so no data is shared between files.
      isolate: false,
      testTimeout: 60_000,
      hookTimeout: 60_000,
      exclude: usesPostgres ? configDefaults.exclude : [...configDefaults.exclude, "**/*.pg.test.ts"],
    },
  });
