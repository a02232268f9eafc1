// Member search by a few letters: every word must match a name, email, phone, card number or PMS
// id; the trigram indexes (pg_trgm, on PostgreSQL and in PGlite) serve the "contains" matches.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../sql.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { SEARCH_COUNT_CAP, searchMembers } from "./search-members.ts";

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
    expect(r.totalCapped).toBe(false);
    const page2 = await searchMembers({ ctx: p.team, input: { q: "gar", pageSize: 2, page: 2 } });
    expect(page2.items.map((m) => m.lastName)).toEqual(["Garcia"]);
    expect(page2.total).toBe(3);
    expect((await searchMembers({ ctx: p.team, input: { q: "ana gar" } })).items.map((m) => m.firstName)).toEqual(["Ana"]);
    // LIKE's wildcards are letters here.
    expect((await searchMembers({ ctx: p.team, input: { q: "%" } })).total).toBe(0);
  });

  it("counts at most 1,000 matches: more are answered as 1,000 and capped; the pages go on past it", async () => {
    const big = await makePractice(t);
    const n = SEARCH_COUNT_CAP + 5;
    await makeMembers(
      t,
      big.id,
      Array.from({ length: n }, (_, i) => ({ firstName: "Pat", lastName: `Smith${String(i).padStart(4, "0")}` })),
    );
    await makeMembers(t, big.id, [{ firstName: "Ana", lastName: "Abbott" }]);
    const first = await searchMembers({ ctx: big.team, input: { q: "smith", pageSize: 3 } });
    expect(first.total).toBe(SEARCH_COUNT_CAP);
    expect(first.totalCapped).toBe(true);
    // The first page in name order, whatever the count.
    expect(first.items.map((m) => m.lastName)).toEqual(["Smith0000", "Smith0001", "Smith0002"]);
    // Every member, no query: capped too, and Abbott first.
    const all = await searchMembers({ ctx: big.team, input: { pageSize: 2 } });
    expect([all.total, all.totalCapped]).toEqual([SEARCH_COUNT_CAP, true]);
    expect(all.items.map((m) => m.lastName)).toEqual(["Abbott", "Smith0000"]);
    // A page past the cap counts as far as that page: still capped while more follow.
    const deep = await searchMembers({ ctx: big.team, input: { q: "smith", pageSize: 100, page: 10 } });
    expect([deep.total, deep.totalCapped]).toEqual([1000, true]);
    const last = await searchMembers({ ctx: big.team, input: { q: "smith", pageSize: 100, page: 11 } });
    expect(last.items.map((m) => m.lastName)).toEqual(["Smith1000", "Smith1001", "Smith1002", "Smith1003", "Smith1004"]);
    expect([last.total, last.totalCapped]).toEqual([n, false]);
    // Exactly at the cap: exact, not capped.
    const few = await searchMembers({ ctx: big.team, input: { q: "smith0" } });
    expect([few.total, few.totalCapped]).toEqual([1000, false]);
  });

  it("the first page is read along the name index, stopping after a page", async () => {
    const plan = await t.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      await tx.execute(sql`set local enable_sort = off`);
      return query<{ "QUERY PLAN": string }>(
        tx,
        sql`explain select id from members where practice_id = ${p.id} and status = 'member'
            order by last_name, first_name, id limit 25`,
      );
    });
    const text = plan.map((r) => Object.values(r)[0]).join("\n");
    expect(text).toMatch(/Limit/);
    expect(text).toMatch(/members_practice_status_name_idx/);
    expect(text).not.toMatch(/Sort/);
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
