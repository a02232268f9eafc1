// The event pipeline's store: every recorded event once (unique per practice and external id),
// the engine state it produced, and the effects that are not ledger entries (coupons, phases,
// manual requests, check-ins).
import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId, tenantKey, tenantRef, updatedAt } from "./columns.ts";
import { members } from "./members.ts";
import { practices } from "./practices.ts";
import { ruleSetVersions } from "./rules.ts";

export const events = pgTable(
  "events",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    /** The id the source gave the event (invoice import derives it from the invoice id). */
    externalId: text().notNull(),
    type: text().notNull(),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    memberId: uuid(),
    /** The event as the engine reads it (payload fields of SPEC §4, money as decimal strings). */
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    /** What processing it produced: awards, reversals, coupons, phases, pending, rejections. */
    outcome: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    ruleSetVersionId: uuid(),
    /** api | import | kiosk | portal | staff | seed */
    source: text().notNull().default("api"),
    recordedAt: createdAt(),
  },
  (t) => [
    tenantKey("events", t.practiceId, t.id),
    uniqueIndex("events_practice_external_key").on(t.practiceId, t.externalId),
    // Check-ins per day and active members read only these columns of a range (index-only scans,
    // not the payload and outcome).
    index("events_practice_at_member_type_idx").on(t.practiceId, t.at, t.memberId, t.type),
    // The backtest replays a practice's events in recording order, a page at a time from a cursor.
    index("events_practice_recorded_idx").on(t.practiceId, t.recordedAt, t.id),
    index("events_member_idx").on(t.memberId),
    tenantRef("events_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
    tenantRef("events_rule_set_version_fk", [t.practiceId, t.ruleSetVersionId], [ruleSetVersions.practiceId, ruleSetVersions.id]),
  ],
);

/** The engine's persisted state for one member (serialised by @tally/rules), locked while an event runs. */
export const memberEngineStates = pgTable(
  "member_engine_states",
  {
    memberId: uuid().notNull(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    state: jsonb().notNull(),
    /** When the member's next points expire (SPEC 7; null: none): the expiry sweep's index, written with the state. */
    nextExpiryAt: timestamp({ withTimezone: true, mode: "date" }),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey("member_engine_states", t.practiceId, t.memberId),
    tenantRef("member_engine_states_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
    index("member_engine_states_practice_idx").on(t.practiceId),
    index("member_engine_states_next_expiry_idx").on(t.nextExpiryAt).where(sql`${t.nextExpiryAt} is not null`),
  ],
);

/**
 * What the engine keeps about each paid invoice (@tally/rules' InvoiceRecord: what a void or a
 * revision takes back), one row per invoice: the member's state row holds `invoices: {}` and the
 * pipeline loads the records its events name (and, under `tiers by spend`, those paid in the
 * trailing window: `at`), so a state does not grow with the member's history.
 */
export const memberEngineInvoices = pgTable(
  "member_engine_invoices",
  {
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid().notNull(),
    /** The invoice id as the source gave it (the engine's key). */
    invoiceId: text().notNull(),
    record: jsonb().notNull(),
    /** When it was paid (the record's `at`, kept under tiers): the tier window's index. */
    at: timestamp({ withTimezone: true, mode: "date" }),
  },
  (t) => [
    tenantKey("member_engine_invoices", t.practiceId, t.memberId, t.invoiceId),
    tenantRef("member_engine_invoices_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
    index("member_engine_invoices_at_idx").on(t.practiceId, t.memberId, t.at).where(sql`${t.at} is not null`),
  ],
);

/**
 * The engine's limit and cap counters (@tally/rules' MemberState `limits` and `caps`, keyed
 * `${rule}|${period}`) of calendar periods other than a rule's latest, one row per counter: the
 * state row keeps each rule's latest period, and the pipeline loads the periods its events fall
 * in (a late event reads its own period's count), so a state does not grow with the member's history.
 */
export const memberEngineCounters = pgTable(
  "member_engine_counters",
  {
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid().notNull(),
    /** "limit" (MemberState.limits) or "cap" (MemberState.caps). */
    kind: text().notNull(),
    /** The engine's key, `${rule}|${period}`. */
    key: text().notNull(),
    /** The key's period: a day (2026-03-14), a week (week of 2026-03-09), a month (2026-03) or a year (2026). */
    period: text().notNull(),
    value: integer().notNull(),
  },
  (t) => [
    tenantKey("member_engine_counters", t.practiceId, t.memberId, t.kind, t.key),
    tenantRef("member_engine_counters_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
    index("member_engine_counters_period_idx").on(t.practiceId, t.memberId, t.period),
  ],
);

/**
 * What `tiers by points` and `tiers by visits` read over the trailing tier window (@tally/rules'
 * MemberState `tierAwards` and `visitTimes`), one row per mark: the state row holds neither, and
 * the pipeline loads the marks after its earliest event's window start (`at`), and those of the
 * invoices a void takes back, so a state does not grow with the member's history.
 *  - kind "points": one award, key `${event}|${n}|${rule}` (n: its ordinal among the member's
 *    awards of that event and rule), value its points net of reversals.
 *  - kind "visit": check-ins at one instant, key the instant in ms, value how many.
 */
export const memberEngineMarks = pgTable(
  "member_engine_marks",
  {
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid().notNull(),
    kind: text().notNull(),
    key: text().notNull(),
    /** kind "points": the awarding event's id (what a void takes back). */
    event: text(),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    value: bigint({ mode: "number" }).notNull(),
  },
  (t) => [
    tenantKey("member_engine_marks", t.practiceId, t.memberId, t.kind, t.key),
    tenantRef("member_engine_marks_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
    index("member_engine_marks_at_idx").on(t.practiceId, t.memberId, t.at),
    index("member_engine_marks_event_idx").on(t.practiceId, t.memberId, t.event).where(sql`${t.event} is not null`),
  ],
);

export const couponStatus = pgEnum("coupon_status", ["active", "used", "expired", "void"]);

/** Coupons issued by rules (instant rewards, milestones, rewards) or bought from the catalog. */
export const issuedCoupons = pgTable(
  "issued_coupons",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid().notNull(),
    /** The coupon's name as the rules write it, e.g. "free-whitening". */
    coupon: text().notNull(),
    ruleName: text(),
    eventId: uuid(),
    issuedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    expiresAt: timestamp({ withTimezone: true, mode: "date" }),
    status: couponStatus().notNull().default("active"),
    usedAt: timestamp({ withTimezone: true, mode: "date" }),
    /** event id + rule + coupon: an event replay issues nothing twice. */
    idempotencyKey: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey("issued_coupons", t.practiceId, t.id),
    tenantRef("issued_coupons_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
    tenantRef("issued_coupons_event_fk", [t.practiceId, t.eventId], [events.practiceId, events.id]),
    index("issued_coupons_practice_idx").on(t.practiceId),
    index("issued_coupons_member_idx").on(t.memberId),
    uniqueIndex("issued_coupons_practice_key").on(t.practiceId, t.idempotencyKey),
  ],
);

/** Milestone phases a member achieved (shown on the profile). */
export const memberPhases = pgTable(
  "member_phases",
  {
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid().notNull(),
    ruleName: text().notNull(),
    phase: text().notNull(),
    eventId: uuid(),
    achievedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    tenantKey("member_phases", t.practiceId, t.memberId, t.ruleName, t.phase),
    index("member_phases_practice_idx").on(t.practiceId),
    tenantRef("member_phases_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
    tenantRef("member_phases_event_fk", [t.practiceId, t.eventId], [events.practiceId, events.id]),
  ],
);

export const actionRequestStatus = pgEnum("action_request_status", ["pending", "approved", "rejected"]);

/** Manual reward requests (the approvals queue): patient completes, staff approve or reject. */
export const actionRequests = pgTable(
  "action_requests",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid().notNull(),
    ruleName: text().notNull(),
    response: text().notNull().default(""),
    status: actionRequestStatus().notNull().default("pending"),
    eventId: uuid(),
    decidedEventId: uuid(),
    decidedBy: text(),
    decidedAt: timestamp({ withTimezone: true, mode: "date" }),
    requestedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    tenantKey("action_requests", t.practiceId, t.id),
    index("action_requests_practice_status_idx").on(t.practiceId, t.status),
    index("action_requests_member_idx").on(t.memberId),
    tenantRef("action_requests_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
    tenantRef("action_requests_event_fk", [t.practiceId, t.eventId], [events.practiceId, events.id]),
    tenantRef("action_requests_decided_event_fk", [t.practiceId, t.decidedEventId], [events.practiceId, events.id]),
  ],
);

export const checkInMethod = pgEnum("check_in_method", ["card", "qr", "phone", "staff"]);

export const checkIns = pgTable(
  "check_ins",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid().notNull(),
    locationId: uuid(),
    method: checkInMethod().notNull(),
    eventId: uuid(),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    tenantKey("check_ins", t.practiceId, t.id),
    index("check_ins_practice_at_idx").on(t.practiceId, t.at),
    index("check_ins_member_idx").on(t.memberId),
    tenantRef("check_ins_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
    tenantRef("check_ins_event_fk", [t.practiceId, t.eventId], [events.practiceId, events.id]),
  ],
);
