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

/**
 * A backtest run (rules.backtestStart): its progress, written by the process that runs it every
 * second or so, and its answer once done, so any API process of the database answers its polls,
 * its cancel and its pages of members. Finished runs are deleted after a day (daily cleanup).
 */
export const backtestRuns = pgTable(
  "backtest_runs",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    /** Who started it (the actor's kind and id). */
    startedBy: text().notNull(),
    rangeFrom: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    rangeTo: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    /** The saved version backtested, or the draft text's hash. */
    versionId: uuid(),
    draftHash: text(),
    status: text().$type<"running" | "done" | "failed" | "cancelled">().notNull().default("running"),
    /** Events applied so far, of `total` to replay. */
    processed: integer().notNull().default(0),
    total: integer().notNull().default(0),
    /** The answer (totals per rule, top members: a few KB). */
    result: jsonb(),
    /** Each side's members in order, [memberId, points, coupons] (the pages of backtestMembers). */
    ranking: jsonb().$type<{ active: [string, number, number][]; draft: [string, number, number][] }>(),
    error: text(),
    /** Set by a cancel from any process; the running process stops at its next progress write. */
    cancelRequested: boolean().notNull().default(false),
    startedAt: createdAt(),
    /** The running process's last progress write: a running run not updated for minutes was interrupted. */
    updatedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true, mode: "date" }),
  },
  (t) => [tenantKey("backtest_runs", t.practiceId, t.id), index("backtest_runs_finished_idx").on(t.finishedAt)],
);
