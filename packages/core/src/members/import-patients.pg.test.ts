// Exactly once under concurrency, on real PostgreSQL: the same patient file imported by two
// imports at once, and the same patient upserted by several API calls at once.
import { members, mergeSuggestions } from "@tally/db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { upsertPatient } from "./import-patients.ts";
import { runPatientImport, stagePatientImport, startPatientImport } from "./patient-import-files.ts";

describe("patient import under concurrency (postgres)", () => {
  let t: TestDatabase;
  let p: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase({ max: 12 });
    p = await makePractice(t);
  });
  afterAll(() => t?.dispose());

  const count = async (table: typeof members | typeof mergeSuggestions) =>
    (await t.db.select({ n: sql<number>`count(*)::int` }).from(table).where(eq(table.practiceId, p.id)))[0]!.n;

  it("two imports of one file at once create each patient once and suggest each pair once", async () => {
    const rows = 5000;
    const lines = ["PMS ID,First Name,Last Name,Email,Phone,Birth Date"];
    for (let i = 0; i < rows; i++) lines.push(`C-${i},F${i},L${i},fam${i - (i % 2)}@x.test,${3000000000 + i},1980-01-01`);
    const csv = lines.join("\n");
    const ids = await Promise.all(
      [1, 2].map(async () => {
        const staged = await stagePatientImport({ ctx: p.admin, input: { fileName: "p.csv", csv } });
        await startPatientImport({ ctx: p.admin, input: { id: staged.id, mapping: staged.mapping! } });
        return staged.id;
      }),
    );
    const results = await Promise.all(ids.map((id) => runPatientImport(p.admin, id)));
    expect(await count(members)).toBe(rows);
    expect(await count(mergeSuggestions)).toBe(rows / 2);
    // Between them every row was created once; the slower one found the rest made (or lost the race).
    expect(results[0]!.created + results[1]!.created).toBe(rows);
    const again = await stagePatientImport({ ctx: p.admin, input: { fileName: "p.csv", csv } });
    await startPatientImport({ ctx: p.admin, input: { id: again.id, mapping: again.mapping! } });
    expect(await runPatientImport(p.admin, again.id)).toMatchObject({ created: 0, updated: 0, unchanged: rows, suggested: 0 });
    // Three imports of 5,000 rows: minutes on a busy 2-core machine, not the default minute.
  }, 240_000);

  it("concurrent upserts of one PMS id make one member", async () => {
    const integration = { ...p.admin, actor: { kind: "integration" as const, id: "key" } };
    const before = await count(members);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => upsertPatient({ ctx: integration, input: { pmsId: "RACE-1", firstName: "Ra", lastName: "Ce" } })),
    );
    expect(await count(members)).toBe(before + 1);
    const ok = outcomes.filter((o) => o.status === "fulfilled").map((o) => o.value.outcome);
    expect(ok.filter((o) => o === "created").length).toBe(1);
  });
});
