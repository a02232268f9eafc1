// Lists as one array parameter: any value survives the round trip, and the planner reads a
// batch's rows by index (not a scan of the practice's rows).
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anyText, anyUuid, arrayLiteral, query, textSet } from "./sql.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase } from "./testing.ts";

describe("array parameters", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.dispose());

  it("any text comes back as it went in: quotes, backslashes, commas, braces, spaces, empty", async () => {
    const values = ["plain", 'with "quotes"', "back\\slash", "a,b", "{braces}", " spaced ", "", "NULL", "week of 2026-12-21"];
    const rows = await query<{ v: string }>(t.db, sql`select unnest(${arrayLiteral(values)}::text[]) as v`);
    expect(rows.map((r) => r.v)).toEqual(values);
    const hit = await query<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from unnest(${arrayLiteral(values)}::text[]) v where v = ${anyText(["a,b", "NULL", "x"])}`,
    );
    expect(hit[0]!.n).toBe(2);
    expect(await query(t.db, sql`select 1 where 'x' = ${anyText([])}`)).toEqual([]);
  });

  it("a batch's members are read by the primary key, however many members the practice has", async () => {
    const p = await makePractice(t);
    const made = await makeMembers(
      t,
      p.id,
      Array.from({ length: 2000 }, (_, i) => ({ firstName: `M${i}`, lastName: "Row" })),
    );
    await t.db.execute(sql`analyze members`);
    const ids = made.slice(0, 3).map((m) => m.id);
    const found = await query<{ id: string }>(
      t.db,
      sql`select id from members where practice_id = ${p.id} and id = ${anyUuid(ids)} order by id`,
    );
    expect(found.map((r) => r.id)).toEqual([...ids].sort());
    const plan = await query<Record<string, string>>(
      t.db,
      sql`explain select id from members where practice_id = ${p.id} and id = ${anyUuid(ids)}`,
    );
    const text = plan.map((r) => Object.values(r)[0]).join("\n");
    expect(text).toMatch(/members_pkey/);
    expect(text).not.toMatch(/Seq Scan/);

    // A second list beside the ids is a hashed filter on their rows, not a second index key
    // (probed as the product of both lists).
    const keyed = await query<Record<string, string>>(
      t.db,
      sql`explain select 1 from member_engine_invoices i where i.practice_id = ${p.id} and i.member_id = ${anyUuid(ids)}
          and (i.invoice_id in ${textSet(["INV-1", "INV-2"])} or false)`,
    );
    const keyedText = keyed.map((r) => Object.values(r)[0]).join("\n");
    expect(keyedText).toMatch(/Index Cond: .*member_id = ANY/);
    expect(keyedText).not.toMatch(/Index Cond: .*invoice_id/);
    expect(keyedText).toMatch(/hashed SubPlan/);
  });
});
