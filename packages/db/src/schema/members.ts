// Members (patients or pet owners) of a practice's rewards program, and what hangs off them:
// leads (self-registered, limited access until converted), consents and registration invitations.
import { boolean, date, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId, tenantKey, tenantRef, updatedAt } from "./columns.ts";
import { practices } from "./practices.ts";

/** A lead self-registered from the contact form; an admin converts it to a member (or merges it). */
export const memberStatus = pgEnum("member_status", ["member", "lead", "merged"]);

export const members = pgTable(
  "members",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    /** Id in the practice-management system, used by invoice import. */
    externalId: text(),
    firstName: text().notNull(),
    lastName: text().notNull(),
    email: text(),
    /** Digits only, so a search by a few digits matches however it was typed. */
    phone: text(),
    birthday: date({ mode: "string" }),
    /** The last year the birthdays job celebrated this member (0: never). The event's external id
     *  keeps it once a year; this lets a re-run skip the day's celebrated members inside the
     *  month-day index (`members_birthday_md_idx`, migration 0032) without reading them. */
    birthdayYear: integer().notNull().default(0),
    cardNumber: text(),
    tags: text().array().notNull().default([]),
    registered: boolean().notNull().default(false),
    registeredAt: timestamp({ withTimezone: true, mode: "date" }),
    passwordHash: text(),
    status: memberStatus().notNull().default("member"),
    /** Set when this record was merged into another: it keeps its history but is hidden. */
    mergedIntoId: uuid(),
    /** What the lead wrote on the contact form. */
    leadNote: text(),
    /** The referral link a lead registered through (an invited referral of this practice);
     *  converting the lead converts that referral. */
    referralToken: text(),
    firstLoginAt: timestamp({ withTimezone: true, mode: "date" }),
    /** Excluded from rewards (inducement guardrails, e.g. a government-program beneficiary): earns
     *  nothing, cannot redeem. Who set it and when. */
    excludedFromRewards: boolean().notNull().default(false),
    excludedAt: timestamp({ withTimezone: true, mode: "date" }),
    excludedBy: uuid(),
    /** Set when the member's personal data was erased on request (the record stays, anonymised). */
    erasedAt: timestamp({ withTimezone: true, mode: "date" }),
    /** The language the member chose ('en' or 'es') for the portal, the kiosk, emails and texts;
     *  null: the browser's language on screen, the practice's language in messages. */
    language: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey("members", t.practiceId, t.id),
    index("members_practice_idx").on(t.practiceId),
    uniqueIndex("members_practice_card_key").on(t.practiceId, t.cardNumber),
    uniqueIndex("members_practice_external_key").on(t.practiceId, t.externalId),
    index("members_practice_email_idx").on(t.practiceId, t.email),
    index("members_practice_phone_idx").on(t.practiceId, t.phone),
    /** Member search's order (by name, within the practice and status): the first page is read
     *  from here and stops after a page, whatever the number of matches. */
    index("members_practice_status_name_idx").on(t.practiceId, t.status, t.lastName, t.firstName, t.id),
  ],
);

export const consents = pgTable(
  "consents",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid().notNull(),
    kind: text().notNull(),
    full: boolean().notNull().default(true),
    givenAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    revokedAt: timestamp({ withTimezone: true, mode: "date" }),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey("consents", t.practiceId, t.id),
    index("consents_practice_idx").on(t.practiceId),
    index("consents_member_idx").on(t.memberId),
    tenantRef("consents_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
  ],
);

/** Personal registration invitations: only a hash of the single-use token is stored. */
export const invitations = pgTable(
  "invitations",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    memberId: uuid().notNull(),
    email: text().notNull(),
    tokenHash: text().notNull(),
    expiresAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    acceptedAt: timestamp({ withTimezone: true, mode: "date" }),
    createdBy: uuid(),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey("invitations", t.practiceId, t.id),
    index("invitations_practice_idx").on(t.practiceId),
    // The invitation link is opened on the practice's portal, which names the practice.
    uniqueIndex("invitations_token_key").on(t.practiceId, t.tokenHash),
    tenantRef("invitations_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
  ],
);
