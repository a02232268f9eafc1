// Member search by a few letters: every word must match a name, email, phone, card number or PMS
// id; the trigram indexes (pg_trgm, on PostgreSQL and in PGlite) serve the "contains" matches.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../sql.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { searchMembers } from "./search-members.ts";

describe("member search", () => {
  let t: TestDatabase;
  let p: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    await makeMembers(t, p.id, [
      { firstName: "Ana", lastName: "Garcia", email: "ana@example.com" },
      { firstName: "Edgar", lastName: "Bell", email: "eb@example.com" },
      { firstName: "Cy", lastName: "Dunn", email: "margaret.dunn@example.com" },
      { firstName: "Bo", lastName: "Lee", email: "bo@example.com" },
    ]);
    // Another practice's Garcia is never found here.
    const other = await makePractice(t);
    await makeMembers(t, other.id, [{ firstName: "Gary", lastName: "Garcia" }]);
  });
  afterAll(() => t?.dispose());

  it("finds members by letters anywhere in a name or email, paged, with the total", async () => {
    const r = await searchMembers({ ctx: p.team, input: { q: "gar" } });
    expect(r.items.map((m) => m.lastName)).toEqual(["Bell", "Dunn", "Garcia"]);
    expect(r.total).toBe(3);
    const page2 = await searchMembers({ ctx: p.team, input: { q: "gar", pageSize: 2, page: 2 } });
    expect(page2.items.map((m) => m.lastName)).toEqual(["Garcia"]);
    expect(page2.total).toBe(3);
    expect((await searchMembers({ ctx: p.team, input: { q: "ana gar" } })).items.map((m) => m.firstName)).toEqual(["Ana"]);
    // LIKE's wildcards are letters here.
    expect((await searchMembers({ ctx: p.team, input: { q: "%" } })).total).toBe(0);
  });

  it("the contains-search can use the trigram indexes", async () => {
    const indexes = await query<{ indexname: string }>(
      t.db,
      sql`select indexname from pg_indexes where tablename = 'members' and indexname like '%trgm%' order by 1`,
    );
    expect(indexes.map((i) => i.indexname)).toEqual([
      "members_card_number_trgm_idx",
      "members_email_trgm_idx",
      "members_external_id_trgm_idx",
      "members_first_name_trgm_idx",
      "members_last_name_trgm_idx",
      "members_phone_trgm_idx",
    ]);
    // A table this small is read whole; with sequential scans off the planner shows the indexes
    // apply (in a large practice the practice's own rows are most of the table, so it picks them).
    const plan = await t.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return query<{ "QUERY PLAN": string }>(
        tx,
        sql`explain select id from members where last_name ilike '%gar%' or first_name ilike '%gar%' or email ilike '%gar%'`,
      );
    });
    const text = plan.map((r) => Object.values(r)[0]).join("\n");
    expect(text).toMatch(/members_last_name_trgm_idx/);
    expect(text).toMatch(/members_email_trgm_idx/);
  });
});
