// The admin app's patient import, step by step: the uploaded file is staged (its header, a preview
// of the first rows and a guessed column mapping), the mapping chosen on screen is checked by a dry
// run (what would be created, updated, suggested for merging and rejected, with row numbers), then
// the import runs with its progress on the staged row (processed / total), which the page polls.
// A staged file is imported at most once; the same file uploaded again changes nothing.

import { patientImports } from "@tally/db";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { authorize } from "../permissions.ts";
import { type Input, notFound, parseInput } from "../verb.ts";
import { importPatientRows, type PatientImportSummary } from "./import-patients.ts";
import { checkPatientMapping, guessPatientMapping, type PatientMapping, rawPatient, readCsv } from "./patient-rows.ts";

/** Rows shown on the mapping screen. */
export const PREVIEW_ROWS = 5;
/** The largest patient file (characters): 50,000 patients are about 5 MB. */
export const MAX_PATIENT_CSV = 60 * 1024 * 1024;

export const stagePatientImportInput = z.object({
  fileName: z.string().trim().min(1).max(200),
  csv: z.string().max(MAX_PATIENT_CSV, "The file is larger than 60 MB: split it and import the parts."),
});

const mappingInput = z.object({
  pmsId: z.string().max(200).nullable().optional(),
  firstName: z.string().max(200).nullable().optional(),
  lastName: z.string().max(200).nullable().optional(),
  email: z.string().max(200).nullable().optional(),
  phone: z.string().max(200).nullable().optional(),
  birthDate: z.string().max(200).nullable().optional(),
  cardNumber: z.string().max(200).nullable().optional(),
  tags: z.string().max(200).nullable().optional(),
});

export const patientImportIdInput = z.object({ id: z.string().max(100) });
export const runPatientImportInput = z.object({ id: z.string().max(100), mapping: mappingInput });

type Staged = typeof patientImports.$inferSelect;

async function staged(ctx: Ctx, id: string): Promise<Staged> {
  const [row] = z.uuid().safeParse(id).success
    ? await ctx.db
        .select()
        .from(patientImports)
        .where(and(eq(patientImports.id, id), eq(patientImports.practiceId, ctx.practiceId)))
    : [];
  if (!row) throw notFound("Patient import");
  return row;
}

function view(row: Staged, preview: { headers: string[]; rows: { row: number; cells: string[] }[] } | null) {
  return {
    id: row.id,
    fileName: row.fileName,
    status: row.status,
    processed: row.processed,
    total: row.total,
    mapping: (row.mapping ?? null) as PatientMapping | null,
    result: (row.result ?? null) as PatientImportSummary | null,
    lastError: row.lastError,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
    headers: preview?.headers ?? [],
    preview: preview?.rows ?? [],
  };
}
export type PatientImportView = ReturnType<typeof view>;

const previewOf = (csv: string) => {
  if (!csv) return null;
  const { headers, records } = readCsv(csv, PREVIEW_ROWS);
  return { headers, rows: records.map((r) => ({ row: r.line, cells: r.cells })) };
};

/** Stages an uploaded file: checks it reads as CSV, counts its rows, guesses the mapping. */
export async function stagePatientImport({ ctx, input }: { ctx: Ctx; input: Input<typeof stagePatientImportInput> }) {
  authorize(ctx, "members.import");
  const { fileName, csv } = parseInput(stagePatientImportInput, input);
  if (csv.includes("\u0000")) throw new DomainError("INVALID_INPUT", "This is not a text file: export the patients as CSV.");
  const { headers, records } = readCsv(csv);
  if (records.length === 0) throw new DomainError("INVALID_INPUT", "The file has a header but no patients.");
  // Files staged a day ago and never imported are not kept.
  await ctx.db
    .delete(patientImports)
    .where(
      and(
        eq(patientImports.practiceId, ctx.practiceId),
        eq(patientImports.status, "staged"),
        sql`${patientImports.createdAt} < now() - interval '1 day'`,
      ),
    );
  const [row] = await ctx.db
    .insert(patientImports)
    .values({
      practiceId: ctx.practiceId,
      fileName,
      csv,
      mapping: guessPatientMapping(headers),
      total: records.length,
      createdBy: ctx.actor.kind === "staff" ? ctx.actor.id : null,
    })
    .returning();
  return view(row!, { headers, rows: records.slice(0, PREVIEW_ROWS).map((r) => ({ row: r.line, cells: r.cells })) });
}

/** A staged import: mapping, preview, progress and result (NOT_FOUND for other practices' ids). */
export async function getPatientImport({ ctx, input }: { ctx: Ctx; input: Input<typeof patientImportIdInput> }) {
  authorize(ctx, "members.import");
  const { id } = parseInput(patientImportIdInput, input);
  const row = await staged(ctx, id);
  return view(row, previewOf(row.csv));
}

/** Progress only (the page polls it): no file read. */
export async function patientImportProgress({ ctx, input }: { ctx: Ctx; input: Input<typeof patientImportIdInput> }) {
  authorize(ctx, "members.import");
  const { id } = parseInput(patientImportIdInput, input);
  const row = await staged(ctx, id);
  return view({ ...row, csv: "" }, null);
}

/** The practice's recent patient imports. */
export async function listPatientImports({ ctx }: { ctx: Ctx }) {
  authorize(ctx, "members.import");
  const rows = await ctx.db
    .select({
      id: patientImports.id,
      fileName: patientImports.fileName,
      status: patientImports.status,
      total: patientImports.total,
      result: patientImports.result,
      createdAt: patientImports.createdAt,
      finishedAt: patientImports.finishedAt,
    })
    .from(patientImports)
    .where(and(eq(patientImports.practiceId, ctx.practiceId), inArray(patientImports.status, ["running", "done", "failed"])))
    .orderBy(desc(patientImports.createdAt))
    .limit(20);
  return rows.map((r) => ({ ...r, result: r.result as PatientImportSummary | null }));
}

function rowsOf(row: Staged, mapping: PatientMapping) {
  const { headers, records } = readCsv(row.csv);
  return { records: records.map((r) => ({ row: r.line, raw: rawPatient(headers, mapping, r.cells) })) };
}

/** The dry run: what the import would do with this mapping (saved for the import); writes no member. */
export async function dryRunPatientImport({ ctx, input }: { ctx: Ctx; input: Input<typeof runPatientImportInput> }) {
  authorize(ctx, "members.import");
  const { id, mapping: chosen } = parseInput(runPatientImportInput, input);
  const row = await staged(ctx, id);
  if (row.status !== "staged") throw new DomainError("CONFLICT", "This file was imported already. Upload it again to import it again.");
  const mapping = checkPatientMapping(readCsv(row.csv, 0).headers, chosen);
  await ctx.db.update(patientImports).set({ mapping }).where(eq(patientImports.id, id));
  return importPatientRows(ctx, rowsOf(row, mapping).records, { dryRun: true, source: "csv", fileName: row.fileName });
}

/** Claims a staged file for its import (once: a second click or tab gets CONFLICT). */
export async function startPatientImport({ ctx, input }: { ctx: Ctx; input: Input<typeof runPatientImportInput> }) {
  authorize(ctx, "members.import");
  const { id, mapping: chosen } = parseInput(runPatientImportInput, input);
  const row = await staged(ctx, id);
  const mapping = checkPatientMapping(readCsv(row.csv, 0).headers, chosen);
  const [claimed] = await ctx.db
    .update(patientImports)
    .set({ status: "running", mapping, processed: 0 })
    .where(and(eq(patientImports.id, id), eq(patientImports.status, "staged")))
    .returning({ id: patientImports.id });
  if (!claimed) throw new DomainError("CONFLICT", "This file is being imported or was imported already.");
  return { id };
}

/** Runs a claimed import to its end, recording progress (at most every 300 ms), the result or the failure. */
export async function runPatientImport(ctx: Ctx, id: string): Promise<PatientImportSummary> {
  authorize(ctx, "members.import");
  const row = await staged(ctx, id);
  if (row.status !== "running") throw new DomainError("CONFLICT", "Start the import first.");
  try {
    const { records } = rowsOf(row, row.mapping as PatientMapping);
    let last = 0;
    let reported: Promise<unknown> = Promise.resolve();
    const summary = await importPatientRows(ctx, records, {
      dryRun: false,
      source: "csv",
      fileName: row.fileName,
      onProgress: (done) => {
        if (Date.now() - last < 300) return;
        last = Date.now();
        reported = reported.then(() =>
          ctx.db
            .update(patientImports)
            .set({ processed: done })
            .where(eq(patientImports.id, id))
            .catch(() => {}),
        );
      },
    });
    await reported;
    // The file is not kept once imported: the result lists what happened to its rows.
    await ctx.db
      .update(patientImports)
      .set({ status: "done", processed: row.total, result: summary, csv: "", finishedAt: sql`now()` })
      .where(eq(patientImports.id, id));
    return summary;
  } catch (e) {
    await ctx.db
      .update(patientImports)
      .set({
        status: "failed",
        lastError:
          e instanceof DomainError
            ? e.message
            : "The import stopped unexpectedly. Upload the file again: rows already imported are unchanged.",
        finishedAt: sql`now()`,
      })
      .where(eq(patientImports.id, id));
    throw e;
  }
}
