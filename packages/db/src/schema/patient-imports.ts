// Patient imports from a practice-management export: the uploaded file staged between the steps
// of the admin flow (mapping, dry run, import with progress), and the merges an import suggests
// for staff to review (never made automatically: families share emails and phones, twins share
// birth dates).
import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId, tenantKey, tenantRef } from "./columns.ts";
import { members } from "./members.ts";
import { practices } from "./practices.ts";

export const patientImportStatus = pgEnum("patient_import_status", ["staged", "running", "done", "failed"]);

export const patientImports = pgTable(
  "patient_imports",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    fileName: text().notNull(),
    /** The file as uploaded (UTF-8); kept so the mapping, the dry run and the import read the same bytes. */
    csv: text().notNull(),
    /** Column of the file for each field, chosen on screen (or guessed from the header). */
    mapping: jsonb().$type<Record<string, string | null>>(),
    status: patientImportStatus().notNull().default("staged"),
    processed: integer().notNull().default(0),
    total: integer().notNull().default(0),
    result: jsonb(),
    lastError: text(),
    createdBy: uuid(),
    createdAt: createdAt(),
    finishedAt: timestamp({ withTimezone: true, mode: "date" }),
  },
  (t) => [tenantKey("patient_imports", t.practiceId, t.id), index("patient_imports_practice_idx").on(t.practiceId)],
);

export const mergeSuggestionStatus = pgEnum("merge_suggestion_status", ["open", "merged", "dismissed"]);

/** Two records that may be one person. Stored once per pair (pair_key: the two ids in order), so a
 *  re-import never suggests again what staff already merged or kept apart. */
export const mergeSuggestions = pgTable(
  "merge_suggestions",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    /** The record the import created or updated. */
    memberId: uuid().notNull(),
    /** The record it matched. */
    otherId: uuid().notNull(),
    pairKey: text().notNull(),
    /** "email" or "phone and birth date". */
    reason: text().notNull(),
    /** Where it came from: "csv" (with the row number) or "api". */
    source: text().notNull(),
    row: integer(),
    status: mergeSuggestionStatus().notNull().default("open"),
    /** A PMS id the merge took off the duplicate: later imports of that id find the survivor. */
    retiredExternalId: text(),
    survivorId: uuid(),
    resolvedBy: uuid(),
    resolvedAt: timestamp({ withTimezone: true, mode: "date" }),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey("merge_suggestions", t.practiceId, t.id),
    tenantRef("merge_suggestions_member_fk", [t.practiceId, t.memberId], [members.practiceId, members.id]),
    tenantRef("merge_suggestions_other_fk", [t.practiceId, t.otherId], [members.practiceId, members.id]),
    uniqueIndex("merge_suggestions_pair_key").on(t.practiceId, t.pairKey),
    index("merge_suggestions_open_idx").on(t.practiceId, t.status),
    index("merge_suggestions_retired_idx").on(t.practiceId, t.retiredExternalId).where(sql`${t.retiredExternalId} is not null`),
  ],
);
