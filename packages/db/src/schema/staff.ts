// Staff users of a practice: admins and team members who sign in to the admin app.
import { boolean, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId, tenantKey, updatedAt } from "./columns.ts";
import { practices } from "./practices.ts";

export const staffRole = pgEnum("staff_role", ["admin", "team_member"]);

export const staffUsers = pgTable(
  "staff_users",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    email: text().notNull(),
    name: text().notNull(),
    role: staffRole().notNull().default("team_member"),
    passwordHash: text().notNull(),
    /** A temporary password must be replaced at the next sign-in. */
    mustChangePassword: boolean().notNull().default(true),
    disabled: boolean().notNull().default(false),
    lastLoginAt: timestamp({ withTimezone: true, mode: "date" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    tenantKey("staff_users", t.practiceId, t.id),
    index("staff_users_practice_idx").on(t.practiceId),
    uniqueIndex("staff_users_practice_email_key").on(t.practiceId, t.email),
  ],
);
