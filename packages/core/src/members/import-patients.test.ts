import { auditLog, members, mergeSuggestions } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { upsertPatient } from "./import-patients.ts";
import { listMergeSuggestions, resolveMergeSuggestion } from "./merge-suggestions.ts";
import {
  dryRunPatientImport,
  getPatientImport,
  patientImportProgress,
  runPatientImport,
  stagePatientImport,
  startPatientImport,
} from "./patient-import-files.ts";
import { checkPatientRow, guessPatientMapping, readCsv } from "./patient-rows.ts";

const header = "Patient ID,First Name,Last Name,Email,Cell Phone,DOB,Card,Tags";

/** Stages, dry-runs and imports a file with the guessed mapping. */
async function importFile(ctx: TestPractice["admin"], csv: string, fileName = "patients.csv") {
  const staged = await stagePatientImport({ ctx, input: { fileName, csv } });
  const dry = await dryRunPatientImport({ ctx, input: { id: staged.id, mapping: staged.mapping! } });
  await startPatientImport({ ctx, input: { id: staged.id, mapping: staged.mapping! } });
  const done = await runPatientImport(ctx, staged.id);
  return { staged, dry, done };
}

describe("patient rows", () => {
  it("guesses the mapping from common header names", () => {
    expect(guessPatientMapping(header.split(","))).toEqual({
      pmsId: "Patient ID",
      firstName: "First Name",
      lastName: "Last Name",
      email: "Email",
      phone: "Cell Phone",
      birthDate: "DOB",
      cardNumber: "Card",
      tags: "Tags",
    });
    expect(guessPatientMapping(["chart_no", "fname", "surname", "e-mail", "date_of_birth"])).toMatchObject({
      pmsId: "chart_no",
      firstName: "fname",
      lastName: "surname",
      email: "e-mail",
      birthDate: "date_of_birth",
      phone: null,
    });
  });

  it("numbers records by their line, quoted fields across lines and blank lines counted", () => {
    const { headers, records } = readCsv(`\uFEFF${header}\r\nP1,Ana,"Bell, Jr.",,,,,\r\n\r\nP2,"Bo\nb",Cole,,,,,\nP3,Cy,Dunn,,,,,`);
    expect(headers[0]).toBe("Patient ID");
    expect(records.map((r) => r.line)).toEqual([2, 4, 6]);
    expect(records[0]!.cells[2]).toBe("Bell, Jr.");
    expect(records[1]!.cells[1]).toBe("Bo\nb");
  });

  it("checks each field with one table: normalised phone and card, real dates", () => {
    const ok = checkPatientRow({
      pmsId: "P1",
      firstName: "Ana",
      lastName: "Bell",
      email: "Ana@Example.com",
      phone: "+1 (217) 555-0101",
      birthDate: "4/2/1990",
      cardNumber: "%B40000007^BELL/ANA^2512?",
      tags: "braces; VIP",
    });
    expect(ok.patient).toEqual({
      pmsId: "P1",
      firstName: "Ana",
      lastName: "Bell",
      email: "ana@example.com",
      phone: "2175550101",
      birthDate: "1990-04-02",
      cardNumber: "40000007",
      tags: ["braces", "vip"],
    });
    const bad = checkPatientRow({
      pmsId: "",
      firstName: "",
      lastName: "X",
      email: "not-an-email",
      phone: "call me",
      birthDate: "1990-02-31",
      cardNumber: "12",
      tags: "",
    });
    expect(bad.patient).toBeNull();
    expect(bad.problems).toEqual([
      "PMS id is missing",
      "first name is missing",
      "email “not-an-email” is not an email address",
      "phone “call me” is not a phone number",
      "birth date “1990-02-31” is not a date on the calendar (use YYYY-MM-DD or MM/DD/YYYY)",
      "card number “12” is not a rewards card number (4 to 32 digits)",
    ]);
  });
});

describe("patient import", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let other: TestPractice;
  const count = async (practiceId = p.id) =>
    (await t.db.select({ n: sql<number>`count(*)::int` }).from(members).where(eq(members.practiceId, practiceId)))[0]!.n;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    other = await makePractice(t);
  });
  afterAll(() => t?.dispose());

  it("creates, updates by PMS id, rejects bad rows with their row numbers and imports the good ones", async () => {
    const [existing] = await makeMembers(t, p.id, [
      { externalId: "P2", firstName: "Bob", lastName: "Old", email: "bob@old.test", tags: ["vip"] },
    ]);
    // The other practice's member with the same PMS id and email is neither updated nor matched.
    const [elsewhere] = await makeMembers(t, other.id, [{ externalId: "P1", firstName: "Ana", lastName: "Else", email: "ana@x.test" }]);
    const csv = [
      header,
      "P1,Ana,Bell,ana@x.test,(217) 555-0101,1990-04-02,4000 0001,braces",
      "P2,Bob,Cole,,,1985-01-15,,aligners",
      "P3,Cy,Dunn,not-an-email,,,,",
      "P4,Di,Eve,,,1990-02-31,,",
      "P5,,Fox,,,,,",
      "P6,Ed,Gray,,,,12,",
      "P1,Ann,Bell,,,,,",
    ].join("\n");
    const { staged, dry, done } = await importFile(p.admin, csv);
    expect(staged.total).toBe(7);
    expect(staged.preview).toHaveLength(5);
    expect(dry).toMatchObject({ dryRun: true, rows: 7, created: 1, updated: 1, unchanged: 0, rejected: 5 });
    expect(dry.updatedRows).toEqual([{ row: 3, pmsId: "P2", name: "Bob Cole", changes: ["last name", "birth date", "tags"] }]);
    expect(done).toMatchObject({ dryRun: false, created: 1, updated: 1, rejected: 5 });
    expect(done.errors).toEqual([
      { row: 4, message: "email “not-an-email” is not an email address" },
      { row: 5, message: "birth date “1990-02-31” is not a date on the calendar (use YYYY-MM-DD or MM/DD/YYYY)" },
      { row: 6, message: "first name is missing" },
      { row: 7, message: "card number “12” is not a rewards card number (4 to 32 digits)" },
      { row: 8, message: "PMS id P1 repeats row 2" },
    ]);
    const [ana] = await t.db
      .select()
      .from(members)
      .where(and(eq(members.practiceId, p.id), eq(members.externalId, "P1")));
    expect(ana).toMatchObject({ firstName: "Ana", phone: "2175550101", cardNumber: "40000001", birthday: "1990-04-02", tags: ["braces"] });
    const [bob] = await t.db.select().from(members).where(eq(members.id, existing!.id));
    // Empty fields keep what the member has; tags are added.
    expect(bob).toMatchObject({ lastName: "Cole", email: "bob@old.test", birthday: "1985-01-15", tags: ["vip", "aligners"] });
    const [untouched] = await t.db.select().from(members).where(eq(members.id, elsewhere!.id));
    expect(untouched!.lastName).toBe("Else");
    expect((await getPatientImport({ ctx: p.admin, input: { id: staged.id } })).status).toBe("done");
    expect((await patientImportProgress({ ctx: p.admin, input: { id: staged.id } })).processed).toBe(7);
    const audits = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.practiceId, p.id), eq(auditLog.action, "members.import")));
    expect(audits[0]!.details).toMatchObject({ created: 1, updated: 1, rejected: 5 });

    // Exactly once: the same file again changes nothing.
    const before = await count();
    const again = await importFile(p.admin, csv);
    expect(again.done).toMatchObject({ created: 0, updated: 0, unchanged: 2, suggested: 0, rejected: 5 });
    expect(await count()).toBe(before);
  });

  it("suggests merges by email or phone + birth date, never merging; a second import suggests nothing new", async () => {
    const [desk] = await makeMembers(t, p.id, [{ firstName: "Gia", lastName: "Hart", email: "hart.family@x.test" }]);
    await makeMembers(t, p.id, [{ firstName: "Ivy", lastName: "Jones", phone: "3125550100", birthday: "2012-06-01" }]);
    const csv = [
      header,
      "S1,Gia,Hart,hart.family@x.test,,,,", // the member the desk created without a PMS id
      "S2,Hal,Hart,hart.family@x.test,,,,", // a family member sharing the email
      "S3,Ivy,Jones,,312-555-0100,2012-06-01,,", // same phone and birth date
      "S4,Ian,Jones,,312-555-0100,2012-06-01,,", // her twin
      "S5,Kim,Lane,,312-555-0100,1980-03-03,,", // the twins' parent: same phone, another birth date
    ].join("\n");
    const { dry, done } = await importFile(p.admin, csv);
    expect(dry).toMatchObject({ created: 5, suggested: 6 });
    expect(dry.suggestions.map((s) => [s.row, s.pmsId, s.match.name, s.match.row, s.reason])).toEqual([
      [2, "S1", "Gia Hart", null, "email"],
      [3, "S2", "Gia Hart", null, "email"],
      [3, "S2", "Gia Hart", 2, "email"],
      [4, "S3", "Ivy Jones", null, "phone and birth date"],
      [5, "S4", "Ivy Jones", null, "phone and birth date"],
      [5, "S4", "Ivy Jones", 4, "phone and birth date"],
    ]);
    expect(done).toMatchObject({ created: 5, suggested: 6 });
    const listed = await listMergeSuggestions({ ctx: p.admin });
    expect(listed.total).toBe(6);
    // Nothing was merged: every row has its own record, the desk's member is still there.
    const [gia] = await t.db.select().from(members).where(eq(members.id, desk!.id));
    expect(gia!.status).toBe("member");

    const again = await importFile(p.admin, csv);
    expect(again.done).toMatchObject({ created: 0, updated: 0, unchanged: 5, suggested: 0 });
    expect((await listMergeSuggestions({ ctx: p.admin })).total).toBe(6);

    // Staff review: the twins are kept apart, Gia's import record is merged into the desk's.
    const twins = listed.suggestions.find((s) => s.member.externalId === "S4" && s.other.externalId === "S3")!;
    await resolveMergeSuggestion({ ctx: p.admin, input: { id: twins.id, decision: "keep" } });
    const giaPair = listed.suggestions.find((s) => s.member.externalId === "S1")!;
    const merged = await resolveMergeSuggestion({ ctx: p.admin, input: { id: giaPair.id, decision: "merge", keepId: desk!.id } });
    expect(merged).toMatchObject({ decision: "merge", member: { id: desk!.id, externalId: "S1" } });
    await expect(resolveMergeSuggestion({ ctx: p.admin, input: { id: twins.id, decision: "keep" } })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    // The suggestions that named the merged record are gone from the list; nothing new on re-import.
    const third = await importFile(p.admin, csv);
    expect(third.done).toMatchObject({ created: 0, suggested: 0 });
    const open = (await listMergeSuggestions({ ctx: p.admin })).suggestions;
    expect(open.map((s) => `${s.member.externalId}~${s.other.externalId ?? s.other.firstName}`).sort()).toEqual([
      "S2~S1", // the desk's record now carries S1
      "S3~Ivy",
      "S4~Ivy",
    ]);
  });

  it("skips a PMS id a reviewed merge retired, and rejects a card another member holds", async () => {
    const csv = [header, "R1,Max,Ng,ng.family@x.test,,,,", "R2,Max,Ng,ng.family@x.test,,,,"].join("\n");
    await importFile(p.admin, csv);
    const s = (await listMergeSuggestions({ ctx: p.admin })).suggestions.find((x) => x.member.externalId === "R2")!;
    await resolveMergeSuggestion({ ctx: p.admin, input: { id: s.id, decision: "merge", keepId: s.other.id } });
    const again = await importFile(p.admin, csv);
    expect(again.done).toMatchObject({ created: 0, skipped: 1, unchanged: 1 });
    expect(again.done.skippedRows).toEqual([{ row: 3, pmsId: "R2", message: "merged into Max Ng by staff; not imported again" }]);

    await makeMembers(t, p.id, [{ firstName: "Card", lastName: "Holder", cardNumber: "55556666" }]);
    const cards = await importFile(p.admin, [header, "C1,Nia,Owen,,,,5555-6666,"].join("\n"));
    expect(cards.done.errors).toEqual([{ row: 2, message: "card number 55556666 belongs to another member (Card Holder)" }]);
  });

  it("refuses a team member and other practices' imports; a staged file imports once", async () => {
    const csv = [header, "T1,Tea,Time,,,,,"].join("\n");
    await expect(stagePatientImport({ ctx: p.team, input: { fileName: "a.csv", csv } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(listMergeSuggestions({ ctx: p.team })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(upsertPatient({ ctx: p.team, input: { pmsId: "T1", firstName: "A", lastName: "B" } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const staged = await stagePatientImport({ ctx: p.admin, input: { fileName: "a.csv", csv } });
    await expect(getPatientImport({ ctx: other.admin, input: { id: staged.id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(startPatientImport({ ctx: other.admin, input: { id: staged.id, mapping: staged.mapping! } })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(
      dryRunPatientImport({ ctx: p.admin, input: { id: staged.id, mapping: { ...staged.mapping!, lastName: null } } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", message: "Last name: choose the column that holds it." });
    await startPatientImport({ ctx: p.admin, input: { id: staged.id, mapping: staged.mapping! } });
    await expect(startPatientImport({ ctx: p.admin, input: { id: staged.id, mapping: staged.mapping! } })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await runPatientImport(p.admin, staged.id);
    const [s] = await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(mergeSuggestions)
      .where(eq(mergeSuggestions.practiceId, other.id));
    expect(s!.n).toBe(0);
    await expect(stagePatientImport({ ctx: p.admin, input: { fileName: "b.csv", csv: header } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
  });

  it("upserts one patient by PMS id (the integration API)", async () => {
    const integration = { ...p.admin, actor: { kind: "integration" as const, id: "key-1" } };
    const input = { pmsId: "API-1", firstName: "Uma", lastName: "Vance", email: "uma@x.test", phone: "217.555.0199", tags: ["new"] };
    const created = await upsertPatient({ ctx: integration, input });
    expect(created).toMatchObject({ outcome: "created", member: { externalId: "API-1", phone: "2175550199", tags: ["new"] } });
    expect((await upsertPatient({ ctx: integration, input })).outcome).toBe("unchanged");
    const updated = await upsertPatient({ ctx: integration, input: { ...input, birthDate: "1992-12-01" } });
    expect(updated).toMatchObject({ outcome: "updated", changes: ["birth date"], member: { id: created.member.id } });
    await expect(upsertPatient({ ctx: integration, input: { ...input, birthDate: "1992-02-30" } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    const sibling = await upsertPatient({
      ctx: integration,
      input: { pmsId: "API-2", firstName: "Val", lastName: "Vance", email: "uma@x.test" },
    });
    expect(sibling.suggestions).toEqual([
      { match: { name: "Uma Vance", pmsId: "API-1", row: null, memberId: created.member.id }, reason: "email" },
    ]);
  });
});
