// The points ledger: append-only entries (a database trigger refuses UPDATE and DELETE) and a
// cached balance per member, updated in the same transaction as every entry and locked by
// redemptions so concurrent requests cannot overspend.
import { bigint, index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId, tenantKey, tenantRef, updatedAt } from "./columns.ts";
import { events } from "./events.ts";
import { members } from "./members.ts";
import { practices } from "./practices.ts";
import { ruleSetVersions } from "./rules.ts";

export const ledgerEntryKind = pgEnum("ledger_entry_kind", [
  "earn",
  "reward",
  "milestone",
  "reversal",
  "redemption",
  "adjustment",
  "refund",
  "expiry",
]);

export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid().notNull(),
    kind: ledgerEntryKind().notNull(),
    /** 64-bit; amounts stay within ±(2^53 − 1), so they read back as exact JavaScript numbers (SPEC 7). */
    points: bigint({ mode: "number" }).notNull(),
    ruleName: text(),
    ruleSetVersionId: uuid(),
    eventId: uuid(),
    /** event id + rule + recipient, or a client-supplied key: nothing is ever written twice. */
    idempotencyKey: text().notNull(),
    /** "Why 37 points?": the rule, the basis in cents, the rate and the numbers. */
    explanation: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    note: text(),
    reversesEntryId: uuid(),
    orderId: uuid(),
    actorKind: text().notNull(),
    actorId: text().notNull(),
    /** When it counts (the event's time), which may be earlier than createdAt for imports. */
    at: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey("ledger_entries", t.practiceId, t.id),
    uniqueIndex("ledger_entries_practice_key").on(t.practiceId, t.idempotencyKey),
    tenantRef("ledger_entries_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
    tenantRef("ledger_entries_rule_set_version_fk", [t.practiceId, t.ruleSetVersionId], [ruleSetVersions.practiceId, ruleSetVersions.id]),
    tenantRef("ledger_entries_event_fk", [t.practiceId, t.eventId], [events.practiceId, events.id]),
    index("ledger_entries_member_at_idx").on(t.memberId, t.at),
    // Reports (per-day figures, top rules) read only these columns of a range: an index-only scan
    // instead of the wide rows (the explanation JSON).
    index("ledger_entries_practice_at_figures_idx").on(t.practiceId, t.at, t.kind, t.points, t.memberId, t.ruleName),
    // The daily digest: the entries recorded in a window.
    index("ledger_entries_practice_created_idx").on(t.practiceId, t.createdAt),
    index("ledger_entries_event_idx").on(t.eventId),
  ],
);

/** Cached balance = sum of the member's entries; written only alongside an entry. */
export const memberBalances = pgTable(
  "member_balances",
  {
    memberId: uuid().notNull(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    balance: bigint({ mode: "number" }).notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey("member_balances", t.practiceId, t.memberId),
    index("member_balances_practice_idx").on(t.practiceId),
    tenantRef("member_balances_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
  ],
);

/** Client-supplied idempotency keys: the first result is kept and returned for a repeat. */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    scope: text().notNull(),
    key: text().notNull(),
    requestHash: text().notNull(),
    response: jsonb().notNull(),
    createdAt: createdAt(),
  },
  (t) => [tenantKey("idempotency_keys", t.practiceId, t.scope, t.key)],
);
