// Practices (tenants) and their locations. Every tenant-owned table carries practice_id.
import { boolean, customType, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId, tenantKey, updatedAt } from "./columns.ts";

export const programStatus = pgEnum("program_status", ["on", "off", "test"]);

export const practices = pgTable(
  "practices",
  {
    id: id(),
    slug: text().notNull(),
    name: text().notNull(),
    timezone: text().notNull().default("America/Chicago"),
    status: programStatus().notNull().default("test"),
    programDescription: text().notNull().default(""),
    /** What one point costs the practice when redeemed, in hundredths of a cent (100 = $0.01). */
    pointCostCentiCents: integer().notNull().default(1000),
    /** Inducement guardrails (null = no limit): a reward's value at most, and a member's redeemed
     *  value per calendar year at most, in cents (the suggested limits are $15 and $75). */
    rewardValueLimitCents: integer(),
    yearlyRedemptionLimitCents: integer(),
    /** False where the practice's state forbids paying for referrals: referral rules award nothing. */
    referralRewards: boolean().notNull().default(true),
    /** Invoice line items are removed from events older than this many years (null = kept). */
    lineItemRetentionYears: integer(),
    /** Shown on the kiosk, the portal and in mail; free text as the practice writes it. */
    address: text().notNull().default(""),
    phone: text().notNull().default(""),
    /** The language patients see first ('en' or 'es'): the kiosk's start screen returns to it. */
    language: text().notNull().default("en"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("practices_slug_key").on(t.slug)],
);

export const locations = pgTable(
  "locations",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    name: text().notNull(),
    address: text().notNull().default(""),
    phone: text().notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [tenantKey("locations", t.practiceId, t.id), index("locations_practice_idx").on(t.practiceId)],
);

/** Binary column: PGlite answers a Uint8Array, postgres.js a Buffer; both become a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

/** A practice's logo, already resized (WebP), served by the API at /media/logo/:practiceId. */
export const practiceLogos = pgTable("practice_logos", {
  practiceId: uuid()
    .primaryKey()
    .references(() => practices.id),
  contentType: text().notNull(),
  data: bytea().notNull(),
  width: integer().notNull(),
  height: integer().notNull(),
  updatedAt: updatedAt(),
});

/** Settings of the whole install (one row, id = 1): which practice the portal and kiosk open with
 *  when neither a link nor TALLY_PRACTICE names one. */
export const installation = pgTable("installation", {
  id: integer().primaryKey().default(1),
  defaultPracticeId: uuid().references(() => practices.id),
  updatedAt: updatedAt(),
});

/** One-time tokens that open the first-run setup page while the database has no practice (hash only). */
export const setupTokens = pgTable("setup_tokens", {
  tokenHash: text().primaryKey(),
  expiresAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  usedAt: timestamp({ withTimezone: true, mode: "date" }),
  createdAt: createdAt(),
});
