// Birthdays selected in SQL by month and day (the members_birthday_md_idx index), not by loading
// every member: today's in the practice's timezone, Feb 29 on Feb 28 of other years, and the
// upcoming list for staff.
import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { query } from "../sql.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { listBirthdays, runBirthdays } from "./birthdays.ts";

describe("birthdays in SQL", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let ids: Record<string, string>;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t, { timezone: "America/Chicago" });
    await saveRuleSet({ ctx: p.admin, input: { source: 'reward "Birthday" on member.birthday { award 25 points }', publish: true } });
    const made = await makeMembers(t, p.id, [
      { firstName: "Leap", lastName: "Day", birthday: "2000-02-29" },
      { firstName: "Feb", lastName: "End", birthday: "1990-02-28" },
      { firstName: "March", lastName: "First", birthday: "1985-03-01" },
      { firstName: "No", lastName: "Date" },
      { firstName: "Lead", lastName: "Only", birthday: "1999-02-28", status: "lead" },
    ]);
    ids = Object.fromEntries(made.map((m) => [m.firstName, m.id]));
  });
  afterAll(() => t?.dispose());

  it("Feb 28 of a common year celebrates Feb 28 and Feb 29 birthdays; a leap year's Feb 28 only its own", async () => {
    const common = await runBirthdays({ ctx: p.system, input: { at: new Date("2027-02-28T18:00:00Z") } });
    expect(common.date).toBe("2027-02-28");
    expect(new Set(common.members)).toEqual(new Set([ids.Leap, ids.Feb]));
    expect(common.points).toBe(50);
    const years = await query<{ first_name: string; birthday_year: number }>(
      t.db,
      sql`select first_name, birthday_year from members where practice_id = ${p.id}`,
    );
    expect(Object.fromEntries(years.map((r) => [r.first_name, r.birthday_year]))).toMatchObject({ Leap: 2027, Feb: 2027, March: 0 });
    // Run again the same day: those already celebrated are not read again, nothing is given twice.
    expect(await runBirthdays({ ctx: p.system, input: { at: new Date("2027-02-28T22:00:00Z") } })).toMatchObject({
      members: [],
      points: 0,
    });
    const leap = await runBirthdays({ ctx: p.system, input: { at: new Date("2028-02-28T18:00:00Z") } });
    expect(leap.members).toEqual([ids.Feb]);
    expect((await runBirthdays({ ctx: p.system, input: { at: new Date("2028-02-29T18:00:00Z") } })).members).toEqual([ids.Leap]);
    // 2027-03-02 00:30 UTC is still March 1 in Chicago.
    expect((await runBirthdays({ ctx: p.system, input: { at: new Date("2027-03-02T00:30:00Z") } })).members).toEqual([ids.March]);
  });

  it("the migration sets each member's year from their birthday events, in place", async () => {
    await runBirthdays({ ctx: p.system, input: { at: new Date("2029-03-01T18:00:00Z") } });
    const years = () =>
      query<{ id: string; birthday_year: number }>(t.db, sql`select id, birthday_year from members where practice_id = ${p.id}`).then(
        (rows) => Object.fromEntries(rows.map((r) => [r.id, r.birthday_year])),
      );
    const before = await years();
    expect(before[ids.March!]).toBe(2029);
    await t.db.execute(sql`update members set birthday_year = 0 where practice_id = ${p.id}`);
    const file = readFileSync(new URL("../../../db/drizzle/0032_birthday_year.sql", import.meta.url), "utf8");
    const backfill = file
      .split("--> statement-breakpoint")
      .map((x) => x.trim())
      .filter((x) => x.includes('UPDATE "members"'));
    expect(backfill).toHaveLength(1);
    await t.db.execute(sql.raw(backfill[0]!));
    expect(await years()).toEqual(before);
    // Without the year on the member, the day is read again: the event's id still keeps it once.
    await t.db.execute(sql`update members set birthday_year = 0 where practice_id = ${p.id}`);
    expect(await runBirthdays({ ctx: p.system, input: { at: new Date("2029-03-01T18:00:00Z") } })).toMatchObject({
      members: [],
      points: 0,
    });
    expect((await years())[ids.March!]).toBe(2029);
  });

  it("the upcoming list covers the window (across the year's end) and nothing else", async () => {
    const all = await listBirthdays({ ctx: p.team, input: { days: 366 } });
    expect(all.map((b) => b.member.firstName).sort()).toEqual(["Feb", "Leap", "March"]);
    const none = await listBirthdays({ ctx: p.team, input: { days: 0 } });
    expect(none.every((b) => b.date === all[0]!.date)).toBe(true);
  });

  it("the day's members are found by the month-day index", async () => {
    // A practice of a real size (birthdays over the whole year), so the planner weighs the indexes
    // as it would in a practice: on a handful of rows any index bounded by the practice will do.
    const q = await makePractice(t);
    const day = (i: number) => new Date(Date.UTC(1980, 0, 1 + (i % 366))).toISOString().slice(0, 10);
    for (let k = 0; k < 3; k++)
      await makeMembers(
        t,
        q.id,
        Array.from({ length: 1000 }, (_, i) => ({ birthday: day(k * 1000 + i) })),
      );
    await t.db.execute(sql`analyze members`);
    const plan = await t.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return query<Record<string, string>>(
        tx,
        sql`explain select id from members where practice_id = ${q.id}
            and ((extract(month from "members"."birthday") * 100 + extract(day from "members"."birthday"))::int) in (228, 229)
            and birthday_year < 2027`,
      );
    });
    const text = plan.map((r) => Object.values(r)[0]).join("\n");
    expect(text).toMatch(/members_birthday_md_idx/);
    expect(text).not.toMatch(/Seq Scan/);
    // The year celebrated is a condition inside the index: a day already done reads no member row.
    expect(text).toMatch(/Index Cond: .*birthday_year < 2027/);
  });
});
