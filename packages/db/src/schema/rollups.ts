// Daily rollups of the ledger, per practice and local day (the practice's timezone): written by
// the ledger's writers in the same statement as the entries (`core/src/ledger/rollup.ts`), so they
// always equal a recomputation from the ledger. Reports and the dashboard read them instead of
// the entries.
import { sql } from "drizzle-orm";
import { bigint, date, index, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { ledgerEntryKind } from "./ledger.ts";
import { practices } from "./practices.ts";

/** Per day, kind and rule ('' for entries of no rule): the points' signed sum and the number of entries. */
export const ledgerDaily = pgTable(
  "ledger_daily",
  {
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    day: date({ mode: "string" }).notNull(),
    kind: ledgerEntryKind().notNull(),
    ruleName: text().notNull().default(""),
    points: bigint({ mode: "number" }).notNull().default(0),
    entries: bigint({ mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.practiceId, t.day, t.kind, t.ruleName] })],
);

/** Per day: the members with any ledger entry that day. */
export const ledgerDays = pgTable(
  "ledger_days",
  {
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    day: date({ mode: "string" }).notNull(),
    members: bigint({ mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.practiceId, t.day] })],
);

/**
 * Per member, figure (`scope`) and local day with activity: the member's previous activity day in
 * that scope ('-infinity' for their first). Members active in days [a, b] are then
 * P(a) − D(a) − G(a, b) (`core/src/reports/distinct.ts`): each has exactly one day in [a, b] whose
 * previous day is before a. Scopes: `event` (any event), `checkin` (visit.checked_in), `earn`
 * (issued entries), `rule:<name>` (a rule's entries, '' for none). Kept by triggers on events and
 * ledger_entries in the inserting statement (migration 0026), a late day re-pointing the next.
 */
export const activityDays = pgTable(
  "activity_days",
  {
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    scope: text().notNull(),
    memberId: uuid().notNull(),
    day: date({ mode: "string" }).notNull(),
    prev: date({ mode: "string" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.practiceId, t.scope, t.memberId, t.day] }),
    // G(a, b): the activity days after b whose previous day is before a (few when b is recent).
    // Led by `day + 0` (not practice and scope), so lookups of a member's days always take the
    // primary key, never a walk of the scope's days.
    index("activity_days_day_idx").on(sql`(${t.day} + 0)`, t.practiceId, t.scope, t.prev),
  ],
);

/** Per scope and day: activity days on that day (`days`) and activity days whose previous day it is (`prevs`). */
export const activityCounts = pgTable(
  "activity_counts",
  {
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    scope: text().notNull(),
    day: date({ mode: "string" }).notNull(),
    days: bigint({ mode: "number" }).notNull().default(0),
    prevs: bigint({ mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.practiceId, t.scope, t.day] })],
);

/**
 * Per local day and reward (the order's reward name and kind; '' and null for redemption entries
 * of no order): orders redeemed less orders refunded, and the entries' signed sum of points
 * (redemptions negative, refunds positive). Kept by a deferred trigger on ledger_entries (migration 0031), which runs at commit,
 * when the order the entry names has been written in the same transaction.
 */
export const rewardDaily = pgTable(
  "reward_daily",
  {
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    day: date({ mode: "string" }).notNull(),
    rewardName: text().notNull().default(""),
    rewardKind: text().notNull().default(""),
    orders: bigint({ mode: "number" }).notNull().default(0),
    points: bigint({ mode: "number" }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.practiceId, t.day, t.rewardName, t.rewardKind] })],
);
