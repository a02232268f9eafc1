import { defineConfig } from "drizzle-kit";

// Migrations are generated from the schema and committed; the same SQL serves PGlite and PostgreSQL.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema/index.ts",
  out: "./drizzle",
  casing: "snake_case",
});
