// The event pipeline's store: every recorded event once (unique per practice and external id),
// the engine state it produced, and the effects that are not ledger entries (coupons, phases,
// manual requests, check-ins).
import { sql } from "drizzle-orm";
import { index, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./columns.ts";
import { members } from "./members.ts";
import { practices } from "./practices.ts";
import { ruleSetVersions } from "./rules.ts";

export const events = pgTable(
  "events",
  {
    id: id(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    /** The id the source gave the event (invoice import derives it from the invoice id). */
    externalId: text().notNull(),
    type: text().notNull(),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    memberId: uuid().references(() => members.id),
    /** The event as the engine reads it (payload fields of SPEC §4, money as decimal strings). */
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    /** What processing it produced: awards, reversals, coupons, phases, pending, rejections. */
    outcome: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    ruleSetVersionId: uuid().references(() => ruleSetVersions.id),
    /** api | import | kiosk | portal | staff | seed */
    source: text().notNull().default("api"),
    recordedAt: createdAt(),
  },
  (t) => [
    uniqueIndex("events_practice_external_key").on(t.practiceId, t.externalId),
    // Check-ins per day and active members read only these columns of a range (index-only scans,
    // not the payload and outcome).
    index("events_practice_at_member_type_idx").on(t.practiceId, t.at, t.memberId, t.type),
    // The backtest replays a practice's events in recording order, a page at a time from a cursor.
    index("events_practice_recorded_idx").on(t.practiceId, t.recordedAt, t.id),
    index("events_member_idx").on(t.memberId),
  ],
);

/** The engine's persisted state for one member (serialised by @tally/rules), locked while an event runs. */
export const memberEngineStates = pgTable(
  "member_engine_states",
  {
    memberId: uuid()
      .primaryKey()
      .references(() => members.id),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    state: jsonb().notNull(),
    /** When the member's next points expire (SPEC 7; null: none): the expiry sweep's index, written with the state. */
    nextExpiryAt: timestamp({ withTimezone: true, mode: "date" }),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("member_engine_states_practice_idx").on(t.practiceId),
    index("member_engine_states_next_expiry_idx").on(t.nextExpiryAt).where(sql`${t.nextExpiryAt} is not null`),
  ],
);

export const couponStatus = pgEnum("coupon_status", ["active", "used", "expired", "void"]);

/** Coupons issued by rules (instant rewards, milestones, rewards) or bought from the catalog. */
export const issuedCoupons = pgTable(
  "issued_coupons",
  {
    id: id(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid()
      .notNull()
      .references(() => members.id),
    /** The coupon's name as the rules write it, e.g. "free-whitening". */
    coupon: text().notNull(),
    ruleName: text(),
    eventId: uuid().references(() => events.id),
    issuedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    expiresAt: timestamp({ withTimezone: true, mode: "date" }),
    status: couponStatus().notNull().default("active"),
    usedAt: timestamp({ withTimezone: true, mode: "date" }),
    /** event id + rule + coupon: an event replay issues nothing twice. */
    idempotencyKey: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
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
    memberId: uuid()
      .notNull()
      .references(() => members.id),
    ruleName: text().notNull(),
    phase: text().notNull(),
    eventId: uuid().references(() => events.id),
    achievedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.memberId, t.ruleName, t.phase] }), index("member_phases_practice_idx").on(t.practiceId)],
);

export const actionRequestStatus = pgEnum("action_request_status", ["pending", "approved", "rejected"]);

/** Manual reward requests (the approvals queue): patient completes, staff approve or reject. */
export const actionRequests = pgTable(
  "action_requests",
  {
    id: id(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid()
      .notNull()
      .references(() => members.id),
    ruleName: text().notNull(),
    response: text().notNull().default(""),
    status: actionRequestStatus().notNull().default("pending"),
    eventId: uuid().references(() => events.id),
    decidedEventId: uuid().references(() => events.id),
    decidedBy: text(),
    decidedAt: timestamp({ withTimezone: true, mode: "date" }),
    requestedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [index("action_requests_practice_status_idx").on(t.practiceId, t.status), index("action_requests_member_idx").on(t.memberId)],
);

export const checkInMethod = pgEnum("check_in_method", ["card", "qr", "phone", "staff"]);

export const checkIns = pgTable(
  "check_ins",
  {
    id: id(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid()
      .notNull()
      .references(() => members.id),
    locationId: uuid(),
    method: checkInMethod().notNull(),
    eventId: uuid().references(() => events.id),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [index("check_ins_practice_at_idx").on(t.practiceId, t.at), index("check_ins_member_idx").on(t.memberId)],
);
