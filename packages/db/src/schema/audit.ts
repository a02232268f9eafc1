// Who did what: every verb writes one row here in the same transaction as its change.
import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenantId, tenantKey } from "./columns.ts";
import { practices } from "./practices.ts";

export const auditLog = pgTable(
  "audit_log",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    actorKind: text().notNull(),
    actorId: text().notNull(),
    /** `module.verb`, the same name as the API path. */
    action: text().notNull(),
    targetType: text(),
    targetId: text(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [tenantKey("audit_log", t.practiceId, t.id), index("audit_log_practice_at_idx").on(t.practiceId, t.at)],
);
