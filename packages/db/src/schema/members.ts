// Members (patients or pet owners) of a practice's rewards program.
import { boolean, date, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./columns.ts";
import { practices } from "./practices.ts";

export const members = pgTable(
  "members",
  {
    id: id(),
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
    cardNumber: text(),
    tags: text().array().notNull().default([]),
    registered: boolean().notNull().default(false),
    registeredAt: timestamp({ withTimezone: true, mode: "date" }),
    passwordHash: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("members_practice_idx").on(t.practiceId),
    uniqueIndex("members_practice_card_key").on(t.practiceId, t.cardNumber),
    uniqueIndex("members_practice_external_key").on(t.practiceId, t.externalId),
    index("members_practice_email_idx").on(t.practiceId, t.email),
    index("members_practice_phone_idx").on(t.practiceId, t.phone),
  ],
);
