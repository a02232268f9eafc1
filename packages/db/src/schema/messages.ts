// Messages to patients (and staff notices): one outbox for email and text messages, the
// practice's delivery settings (gift-card and SMS providers with encrypted credentials, kinds
// switched off, quiet hours, branding), the members' opt-outs per kind and channel, and the
// addresses that must not be written to again (hard bounces, STOP, carrier opt-outs).
import { boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId, tenantKey, tenantRef, updatedAt } from "./columns.ts";
import { members } from "./members.ts";
import { practices } from "./practices.ts";

export const messageChannel = pgEnum("message_channel", ["email", "sms"]);

/** queued → sending → sent | failed (with the reason) | unknown (interrupted mid-send: never
 *  repeated silently); skipped when the practice or member switched it off after it was queued;
 *  bounced when the address turned out undeliverable (a hard bounce, an unreachable number);
 *  suppressed when it was not sent because the address is known undeliverable or opted out. */
export const messageStatus = pgEnum("message_status", [
  "queued",
  "sending",
  "sent",
  "failed",
  "unknown",
  "skipped",
  "bounced",
  "suppressed",
]);

export const messages = pgTable(
  "messages",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid(),
    /** What it is: invitation, welcome, reward_ready, coupon_unlocked, birthday, digest, ... */
    kind: text().notNull(),
    channel: messageChannel().notNull(),
    /** What it is about (an order id, a coupon id, a date): with member, kind and channel, its idempotency key. */
    subjectKey: text().notNull(),
    dedupeKey: text().notNull(),
    to: text().notNull(),
    /** Sent whatever the program status and the member's opt-outs (password resets, invitations, staff notices). */
    transactional: boolean().notNull().default(false),
    /** What the template needs (names, links, values); rendered when sent. */
    data: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    /** The subject line or first words, for staff lists. */
    title: text().notNull().default(""),
    status: messageStatus().notNull().default("queued"),
    attempts: integer().notNull().default(0),
    /** Not sent before (quiet hours for text messages). */
    notBefore: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    error: text(),
    /** The provider's id (SMTP message id, Twilio SID): delivery callbacks find the row by it. */
    providerRef: text(),
    sentAt: timestamp({ withTimezone: true, mode: "date" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey("messages", t.practiceId, t.id),
    tenantRef("messages_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
    uniqueIndex("messages_dedupe_key").on(t.practiceId, t.dedupeKey),
    index("messages_practice_created_idx").on(t.practiceId, t.createdAt),
    index("messages_member_idx").on(t.memberId),
    index("messages_due_idx").on(t.status, t.notBefore),
    index("messages_provider_ref_idx").on(t.providerRef),
  ],
);

/** One row per practice (absent = defaults). Credentials are AES-256-GCM ciphertext (core/messages/secrets.ts). */
export const practiceMessaging = pgTable("practice_messaging", {
  practiceId: uuid()
    .primaryKey()
    .references(() => practices.id),
  giftCardProvider: text().notNull().default("sandbox"),
  giftCardCredentials: text(),
  smsProvider: text().notNull().default("dev"),
  smsCredentials: text(),
  /** `kind:channel` pairs the practice switched off. */
  disabled: text().array().notNull().default([]),
  /** Local minutes of the day between which no text message is sent (start > end wraps midnight). */
  quietStartMinute: integer()
    .notNull()
    .default(21 * 60),
  quietEndMinute: integer()
    .notNull()
    .default(8 * 60),
  brandColour: text().notNull().default("#0f766e"),
  signature: text().notNull().default(""),
  updatedAt: updatedAt(),
});

/** A member's "no more of this": kind `all` stops every non-transactional message on the channel. */
export const messageOptOuts = pgTable(
  "message_opt_outs",
  {
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid().notNull(),
    kind: text().notNull(),
    channel: messageChannel().notNull(),
    /** portal, unsubscribe-link, staff */
    source: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey("message_opt_outs", t.practiceId, t.memberId, t.kind, t.channel),
    index("message_opt_outs_practice_idx").on(t.practiceId),
    tenantRef("message_opt_outs_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
  ],
);

/** Addresses nothing more is sent to: a hard bounce, STOP, a carrier opt-out (Twilio 21610). */
export const messageSuppressions = pgTable(
  "message_suppressions",
  {
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    channel: messageChannel().notNull(),
    /** Email in lower case, or the phone's digits. */
    address: text().notNull(),
    reason: text().notNull(),
    detail: text().notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.practiceId, t.channel, t.address] })],
);

export type MessageRow = typeof messages.$inferSelect;
export type PracticeMessagingRow = typeof practiceMessaging.$inferSelect;
