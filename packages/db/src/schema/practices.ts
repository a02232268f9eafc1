// Practices (tenants) and their locations. Every tenant-owned table carries practice_id.
import { index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, updatedAt } from "./columns.ts";

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
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("practices_slug_key").on(t.slug)],
);

export const locations = pgTable(
  "locations",
  {
    id: id(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    name: text().notNull(),
    address: text().notNull().default(""),
    phone: text().notNull().default(""),
    createdAt: createdAt(),
  },
  (t) => [index("locations_practice_idx").on(t.practiceId)],
);
