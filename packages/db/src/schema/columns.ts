// Column helpers shared by every module's schema: ids, tenancy and timestamps.
//
// Tenancy: every tenant table carries practice_id, and practice_id leads its primary key, its
// unique constraints and its foreign keys to other tenant tables, so the schema can be
// distributed by practice_id (Citus) with every row of a practice on one shard. The tables
// that are not distributed by practice are listed in distribution.ts.
import { type AnyPgColumn, foreignKey, primaryKey, timestamp, uuid } from "drizzle-orm/pg-core";

/** The id of a global table's row (a reference table: practices). */
export const id = () => uuid().primaryKey().defaultRandom();
/** The id of a tenant table's row: unique on its own, but the key is (practice_id, id) (tenantKey). */
export const tenantId = () => uuid().notNull().defaultRandom();
/** A tenant table's primary key: the practice first. */
export const tenantKey = (table: string, practiceId: AnyPgColumn, ...columns: [AnyPgColumn, ...AnyPgColumn[]]) =>
  primaryKey({ name: `${table}_pkey`, columns: [practiceId, ...columns] });
/** A foreign key between tenant tables: (practice_id, x_id) → (practice_id, id), so both rows are
 *  of the same practice and live on the same shard. */
export const tenantRef = (name: string, from: [AnyPgColumn, AnyPgColumn], to: [AnyPgColumn, AnyPgColumn]) =>
  foreignKey({ name, columns: from, foreignColumns: to });

export const createdAt = () => timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow();
export const updatedAt = () => timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow();
