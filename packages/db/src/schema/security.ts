// Staff sign-in security and the access audit: who must use a second factor, each staff user's
// TOTP (RFC 6238) and recovery codes, the half-finished sign-ins waiting for a code, and every
// read of a member's records by staff. Secrets are stored encrypted (TOTP) or hashed (codes, tokens).
import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId, tenantKey, updatedAt } from "./columns.ts";
import { practices } from "./practices.ts";

const at = () => timestamp({ withTimezone: true, mode: "date" });

/** A practice's sign-in rules. No row: the default ('admins'). */
export const practiceSecurity = pgTable("practice_security", {
  practiceId: uuid()
    .primaryKey()
    .references(() => practices.id),
  /** Who must sign in with a second factor: 'admins' (the minimum), 'everyone', or 'off' (only the
   *  demo practices, set by the seed; the API never accepts it). */
  mfaRequired: text().$type<"admins" | "everyone" | "off">().notNull().default("admins"),
  updatedAt: updatedAt(),
});

/** A staff user's second factor: one row once they start enrolling. */
export const staffSecondFactors = pgTable(
  "staff_second_factors",
  {
    staffUserId: uuid().notNull(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    /** The confirmed TOTP secret (base32), encrypted with the server's key; null while not enrolled. */
    secret: text(),
    /** A secret being enrolled: it replaces nothing until a code from it is confirmed. */
    pendingSecret: text(),
    enabledAt: at(),
    /** The time step of the last code accepted: a code of that step or an earlier one is refused. */
    lastStep: integer(),
    /** Argon2id hashes of the unused recovery codes; a used one is removed. */
    recoveryCodes: text().array().notNull().default([]),
    updatedAt: updatedAt(),
  },
  (t) => [tenantKey("staff_second_factors", t.practiceId, t.staffUserId), index("staff_second_factors_practice_idx").on(t.practiceId)],
);

/** A sign-in whose password was right, waiting for the second factor (token stored hashed). */
export const staffSignInChallenges = pgTable(
  "staff_sign_in_challenges",
  {
    id: tenantId(),
    tokenHash: text().notNull(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    staffUserId: uuid().notNull(),
    userAgent: text(),
    createdAt: createdAt(),
    expiresAt: at().notNull(),
    usedAt: at(),
  },
  (t) => [
    tenantKey("staff_sign_in_challenges", t.practiceId, t.id),
    // The challenge names its practice (a lookup routed by it, tokens.ts).
    uniqueIndex("staff_sign_in_challenges_token_key").on(t.practiceId, t.tokenHash),
    index("staff_sign_in_challenges_expires_idx").on(t.expiresAt),
  ],
);

/** Every read of a member's records by staff (the access audit): one row per request, kept six
 *  years. Separate from audit_log, which records changes. */
export const memberAccessLog = pgTable(
  "member_access_log",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    staffUserId: uuid().notNull(),
    memberId: uuid().notNull(),
    /** What was read: member.profile.read, member.history.read, member.surveys.read. */
    action: text().notNull(),
    at: at().notNull().defaultNow(),
  },
  (t) => [
    tenantKey("member_access_log", t.practiceId, t.id),
    index("member_access_log_member_idx").on(t.practiceId, t.memberId, t.at),
    index("member_access_log_staff_idx").on(t.practiceId, t.staffUserId, t.at),
    index("member_access_log_at_idx").on(t.at),
  ],
);
