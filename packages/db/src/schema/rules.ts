// A practice's rule set, stored as versions of its source text. Exactly one version is active
// (published) at a time; drafts can be saved and backtested before publishing.
import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId, tenantKey } from "./columns.ts";
import { practices } from "./practices.ts";

export const ruleSetVersions = pgTable(
  "rule_set_versions",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    /** 1, 2, 3... per practice. */
    version: integer().notNull(),
    source: text().notNull(),
    note: text().notNull().default(""),
    /** Warnings the checker gave when it was saved (errors are refused). */
    warnings: jsonb().$type<unknown[]>().notNull().default([]),
    active: boolean().notNull().default(false),
    publishedAt: timestamp({ withTimezone: true, mode: "date" }),
    createdBy: text(),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey("rule_set_versions", t.practiceId, t.id),
    index("rule_set_versions_practice_idx").on(t.practiceId),
    uniqueIndex("rule_set_versions_practice_version_key").on(t.practiceId, t.version),
    uniqueIndex("rule_set_versions_one_active_key").on(t.practiceId).where(sql`${t.active}`),
  ],
);
