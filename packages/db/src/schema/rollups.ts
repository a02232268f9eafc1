// Daily rollups of the ledger, per practice and local day (the practice's timezone): written by
// the ledger's writers in the same statement as the entries (`core/src/ledger/rollup.ts`), so they
// always equal a recomputation from the ledger. Reports and the dashboard read them instead of
// the entries.
import { bigint, date, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
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
