// Authentication and the API process's own bookkeeping: sessions (staff and patients), kiosk
// devices, integration API keys, failed-attempt lockouts, the job queue and the dev mailbox.
// Secrets (session tokens, device tokens, API keys, pairing codes) are stored only as SHA-256
// hashes, so a copy of the database cannot be replayed as a login.
import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, tenantId, tenantKey, tenantRef } from "./columns.ts";
import { members } from "./members.ts";
import { practices } from "./practices.ts";
import { staffUsers } from "./staff.ts";

const at = () => timestamp({ withTimezone: true, mode: "date" });

export const sessionKind = pgEnum("session_kind", ["staff", "member"]);

/** A signed-in staff user or patient. Idle timeout uses last_seen_at; expires_at is absolute. */
export const sessions = pgTable(
  "sessions",
  {
    id: tenantId(),
    tokenHash: text().notNull(),
    kind: sessionKind().notNull(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    staffUserId: uuid(),
    memberId: uuid(),
    userAgent: text(),
    createdAt: createdAt(),
    lastSeenAt: at().notNull().defaultNow(),
    expiresAt: at().notNull(),
    revokedAt: at(),
  },
  (t) => [
    tenantKey("sessions", t.practiceId, t.id),
    // Tokens carry their practice (tokens.ts): a lookup names both and is routed to one shard.
    uniqueIndex("sessions_token_hash_key").on(t.practiceId, t.tokenHash),
    // Tokens issued before they carried a practice are found by their hash alone.
    index("sessions_token_hash_idx").on(t.tokenHash),
    index("sessions_practice_idx").on(t.practiceId),
    index("sessions_staff_user_idx").on(t.staffUserId),
    index("sessions_member_idx").on(t.memberId),
    tenantRef("sessions_staff_user_fk", [t.practiceId, t.staffUserId], [staffUsers.practiceId, staffUsers.id]),
    tenantRef("sessions_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
  ],
);

/** A paired front-desk tablet. Pairing: an admin creates the row with a short one-time code;
 *  the kiosk trades the code for a long-lived device token. */
export const kioskDevices = pgTable(
  "kiosk_devices",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    name: text().notNull(),
    tokenHash: text(),
    pairingCodeHash: text(),
    pairingExpiresAt: at(),
    createdByStaffId: uuid(),
    createdAt: createdAt(),
    pairedAt: at(),
    lastSeenAt: at(),
    revokedAt: at(),
    /** How this kiosk reads a patient's QR code: 'camera', 'scanner', or null (none: the kiosk
     *  offers no QR screen; the short check-in code is typed on the keypad). */
    qrReader: text(),
  },
  (t) => [
    tenantKey("kiosk_devices", t.practiceId, t.id),
    index("kiosk_devices_practice_idx").on(t.practiceId),
    uniqueIndex("kiosk_devices_token_hash_key").on(t.practiceId, t.tokenHash),
    index("kiosk_devices_token_hash_idx").on(t.tokenHash),
    // A pairing code is typed before the practice is known: found by its hash alone (once per tablet).
    uniqueIndex("kiosk_devices_pairing_code_hash_key").on(t.practiceId, t.pairingCodeHash),
    index("kiosk_devices_pairing_code_hash_idx").on(t.pairingCodeHash),
    tenantRef("kiosk_devices_created_by_staff_fk", [t.practiceId, t.createdByStaffId], [staffUsers.practiceId, staffUsers.id]),
  ],
);

/** A patient's short check-in code (typed on the kiosk keypad): 8 digits, valid for minutes, used
 *  once. Only an HMAC of the code is stored (keyed by the server secret, so the small code space
 *  cannot be reversed from a copy of the database); unique per practice, so a live code names one
 *  patient. Used and expired rows are removed (use deletes the row). */
export const checkInCodes = pgTable(
  "check_in_codes",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid().notNull(),
    codeHash: text().notNull(),
    expiresAt: at().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey("check_in_codes", t.practiceId, t.id),
    uniqueIndex("check_in_codes_practice_code_key").on(t.practiceId, t.codeHash),
    index("check_in_codes_member_idx").on(t.memberId),
    tenantRef("check_in_codes_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
  ],
);

/** Keys for practice-management integrations (`Authorization: Bearer tly_...`). */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    name: text().notNull(),
    /** The first characters of the key, shown in the admin app to tell keys apart. */
    prefix: text().notNull(),
    keyHash: text().notNull(),
    createdByStaffId: uuid(),
    createdAt: createdAt(),
    lastUsedAt: at(),
    revokedAt: at(),
    /** What the key may do (`members:read`, `invoices:write`, ...). Keys made before scopes have them all. */
    scopes: text()
      .array()
      .notNull()
      .default(
        sql`array['members:read','members:write','invoices:write','events:write','redeem','webhooks:admin','line_items:read']::text[]`,
      ),
    /** Requests per minute this key may send to /api/v1 (RateLimit headers). */
    rateLimitPerMinute: integer().notNull().default(600),
    /** A rotated key keeps working until then (the overlap while callers switch to its successor). */
    expiresAt: at(),
    /** The key this one replaced by rotation. */
    rotatedFromId: uuid(),
  },
  (t) => [
    tenantKey("api_keys", t.practiceId, t.id),
    index("api_keys_practice_idx").on(t.practiceId),
    uniqueIndex("api_keys_key_hash_key").on(t.practiceId, t.keyHash),
    index("api_keys_key_hash_idx").on(t.keyHash),
    tenantRef("api_keys_created_by_staff_fk", [t.practiceId, t.createdByStaffId], [staffUsers.practiceId, staffUsers.id]),
  ],
);

/** Failed attempts per subject (a staff email, a member login, a card, a kiosk device), persisted
 *  so a lockout survives restarts and holds across API processes. */
export const authLockouts = pgTable(
  "auth_lockouts",
  {
    id: id(),
    practiceId: uuid().references(() => practices.id),
    scope: text().notNull(),
    subject: text().notNull(),
    failures: integer().notNull().default(0),
    windowStartedAt: at().notNull().defaultNow(),
    lockedUntil: at(),
    updatedAt: at().notNull().defaultNow(),
  },
  (t) => [uniqueIndex("auth_lockouts_scope_subject_key").on(t.scope, t.subject), index("auth_lockouts_practice_idx").on(t.practiceId)],
);

export const jobStatus = pgEnum("job_status", ["pending", "running", "done", "failed"]);

/** What people watch of a background job (invoice imports): status, progress and result, keyed by
 *  the pg-boss job id (pg-boss, in its own `pgboss` schema, runs the job: claims, leases, retries,
 *  schedules). Written by the API's job handlers; read by core's getImportJob. */
export const jobs = pgTable(
  "jobs",
  {
    id: id(),
    practiceId: uuid().references(() => practices.id),
    queue: text().notNull(),
    payload: jsonb().notNull().default({}),
    status: jobStatus().notNull().default("pending"),
    runAt: at().notNull().defaultNow(),
    attempts: integer().notNull().default(0),
    /** Progress for long jobs (imports): processed / total rows, shown by the admin app. */
    processed: integer().notNull().default(0),
    total: integer(),
    result: jsonb(),
    lastError: text(),
    createdAt: createdAt(),
    finishedAt: at(),
  },
  (t) => [index("jobs_practice_idx").on(t.practiceId)],
);

/** Outgoing email kept in the database when no SMTP server is configured (shown in the admin app). */
export const devMailbox = pgTable(
  "dev_mailbox",
  {
    id: id(),
    practiceId: uuid().references(() => practices.id),
    to: text().notNull(),
    subject: text().notNull(),
    text: text().notNull(),
    html: text(),
    createdAt: createdAt(),
  },
  (t) => [index("dev_mailbox_practice_idx").on(t.practiceId)],
);
