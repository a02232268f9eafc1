// Limit and cap counters that do not grow with history: each rule's latest period stays in the
// state row, older periods are rows of member_engine_counters, and a batch loads the periods its
// events fall in. Five years of check-ins and invoices keep the state the size it had after one,
// and late events into old periods (a limit already reached, a cap used up, room freed by a void)
// come out exactly as the pure engine over the same events with every counter in memory.
import { readFileSync } from "node:fs";
import { memberBalances, memberEngineStates } from "@tally/db";
import { applyEvent, type Effect, type EngineState } from "@tally/rules";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { query } from "../sql.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { freshMemberState, type MemberState } from "./engine.ts";
import { storedState } from "./member-states.ts";
import { toEngineEvent } from "./process-event.ts";
import { loadSetup } from "./program.ts";
import { type RecordedEvent, recordEvents } from "./record-events.ts";
import type { EventInput } from "./schemas.ts";

const rules = `
earn "Spend" on invoice.paid {
  rate 1 point per $1
  items all
  cap 80 points per week
}

reward "Visit" on visit.checked_in {
  award 5 points
  limit 2 per month
}

reward "Daily" on visit.checked_in {
  award 1 point
  limit once per day
}

reward "Big invoice" on invoice.paid {
  award 20 points
  limit 3 per year
}
`;

const DAY = 24 * 3600 * 1000;

describe("limit and cap counters of past periods in their own rows", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let ana: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    await saveRuleSet({ ctx: p.admin, input: { source: rules, publish: true } });
    [ana] = (await makeMembers(t, p.id, [{ firstName: "Ana", lastName: "Bell" }])).map((m) => m.id) as [string];
  });
  afterAll(() => t?.dispose());

  const checkIn = (id: string, at: string): EventInput => ({ id, type: "visit.checked_in", at, member: ana, visit: { method: "staff" } });
  const paid = (id: string, invoiceId: string, amount: string, at: string): EventInput => ({
    id,
    type: "invoice.paid",
    at,
    member: ana,
    invoice: { id: invoiceId, lines: [{ code: "A", amount }] },
  });
  const voided = (id: string, invoiceId: string, at: string): EventInput => ({
    id,
    type: "invoice.voided",
    at,
    member: ana,
    invoice: { id: invoiceId },
  });

  /** A year of history: a check-in every other day, an invoice every fifth ($30 to $69). */
  const year = (y: number): EventInput[] => {
    const out: EventInput[] = [];
    const from = Date.UTC(y, 0, 1, 15);
    for (let d = 0; d < 365; d++) {
      const at = new Date(from + d * DAY).toISOString();
      if (d % 2 === 0) out.push(checkIn(`v-${y}-${d}`, at));
      if (d % 5 === 1) out.push(paid(`p-${y}-${d}`, `I-${y}-${d}`, `${30 + ((d * 7) % 40)}.00`, at));
    }
    return out;
  };

  const stored = async () =>
    (await t.db.select().from(memberEngineStates).where(eq(memberEngineStates.memberId, ana)))[0]!.state as MemberState;
  const counterRows = () =>
    query<{ kind: string; key: string; value: number }>(
      t.db,
      sql`select kind, key, value from member_engine_counters where member_id = ${ana}::uuid`,
    );
  const balance = async () => Number((await t.db.select().from(memberBalances).where(eq(memberBalances.memberId, ana)))[0]?.balance ?? 0);

  it("five years stay the size of one; late events into old periods read their own period's counts, as the pure engine does", async () => {
    const { program } = await loadSetup(t.db, p.id);
    // The pure engine over the same events, every counter in memory.
    const pure: EngineState = { members: { [ana]: freshMemberState({}) }, processed: {} };
    const pureOutcomes: string[] = [];
    const outcomes: string[] = [];
    const summary = (rows: { rule: string; points: number }[]) =>
      rows
        .map((r) => `${r.rule}:${r.points}`)
        .sort()
        .join(",");
    const pureSummary = (effects: Effect[]) =>
      summary(effects.flatMap((e) => (e.type === "award" || e.type === "reversal" ? [{ rule: e.rule, points: e.points }] : [])));
    const run = async (inputs: EventInput[]) => {
      for (let i = 0; i < inputs.length; i += 100) {
        const chunk = inputs.slice(i, i + 100);
        const out: RecordedEvent[] = await t.db.transaction((tx) => recordEvents(tx, p.system, chunk));
        for (const o of out) outcomes.push(summary([...o.awards, ...o.reversals]));
        for (const input of chunk) {
          const effects: Effect[] = [];
          applyEvent(program, pure, toEngineEvent(input.id, input), effects);
          pureOutcomes.push(pureSummary(effects));
        }
      }
    };
    /** The pure engine's state as a row would hold it if every counter stayed inline. */
    const inlineBytes = () => JSON.stringify({ ...pure.members[ana]!, invoices: {} }).length;

    await run(year(2021));
    const oneYear = JSON.stringify(await stored()).length;
    const oneYearInline = inlineBytes();
    for (const y of [2022, 2023, 2024, 2025]) await run(year(y));
    const fiveYears = JSON.stringify(await stored()).length;
    const fiveYearsInline = inlineBytes();

    // (a) Bounded: each rule's latest period inline, the rest in rows.
    const state = await stored();
    expect(Object.keys(state.limits).sort()).toEqual(["Big invoice|2025", "Daily|2025-12-31", "Visit|2025-12"]);
    expect(Object.keys(state.caps ?? {})).toHaveLength(1);
    expect(fiveYears).toBeLessThanOrEqual(oneYear + 16);
    expect(fiveYearsInline).toBeGreaterThan(oneYearInline * 4);
    expect((await counterRows()).length).toBeGreaterThan(1000);

    // (b) Late events into old periods.
    // 2022-03-17, a day without a check-in: Daily awards; March 2022's two Visit awards are long
    // used. $90 in a week of 2023 whose cap is partly used: Spend gives what is left.
    const late1 = [checkIn("late-v1", "2022-03-17T18:00:00.000Z"), paid("late-p1", "I-late-1", "90.00", "2023-06-14T18:00:00.000Z")];
    await run(late1);
    // The same day again (its counter now a row): Daily's limit is reached.
    await run([checkIn("late-v2", "2022-03-17T19:00:00.000Z")]);
    // A void of 2024's first invoice gives back its Big invoice count and its week's cap room; a
    // late invoice in 2024, and one in that week, use them.
    await run([voided("late-void", "I-2024-1", "2026-01-05T10:00:00.000Z")]);
    await run([paid("late-p2", "I-late-2", "50.00", "2024-01-03T18:00:00.000Z")]);

    expect(outcomes).toEqual(pureOutcomes);
    const n = pureOutcomes.length;
    expect(pureOutcomes[n - 5]).toBe("Daily:1");
    expect(pureOutcomes[n - 4]).toMatch(/Spend:([0-7]?\d)(,|$)/);
    expect(pureOutcomes[n - 2]).toContain("Big invoice:-20");
    expect(pureOutcomes[n - 1]).toContain("Big invoice:20");
    // Late-v2 was judged against late-v1's count of the day, read back from its row.
    expect(pureOutcomes[n - 3]).not.toContain("Daily");

    // Every counter, inline or a row, is the pure engine's; the balance is its balance.
    const after = await stored();
    const rows = await counterRows();
    const limits = { ...Object.fromEntries(rows.filter((r) => r.kind === "limit").map((r) => [r.key, Number(r.value)])), ...after.limits };
    const caps = { ...Object.fromEntries(rows.filter((r) => r.kind === "cap").map((r) => [r.key, Number(r.value)])), ...after.caps };
    const m = pure.members[ana]!;
    expect(limits).toEqual(m.limits);
    expect(caps).toEqual(m.caps);
    expect(storedState(m).limits).toEqual(after.limits);
    expect(await balance()).toBe(m.balance);
  }, 300_000);

  it("the migration moves a state's inline counters of past periods to rows, in place", async () => {
    // A state as it was stored before: every counter inline (the rows folded back into it).
    const rows = await counterRows();
    const now = await stored();
    const limits = { ...Object.fromEntries(rows.filter((r) => r.kind === "limit").map((r) => [r.key, Number(r.value)])), ...now.limits };
    const caps = { ...Object.fromEntries(rows.filter((r) => r.kind === "cap").map((r) => [r.key, Number(r.value)])), ...now.caps };
    await t.db.execute(sql`delete from member_engine_counters where member_id = ${ana}::uuid`);
    await t.db
      .update(memberEngineStates)
      .set({ state: { ...now, limits, caps } })
      .where(eq(memberEngineStates.memberId, ana));

    const file = readFileSync(new URL("../../../db/drizzle/0028_member_engine_counters.sql", import.meta.url), "utf8");
    const moves = file
      .split("--> statement-breakpoint")
      .map((x) => x.trim())
      .filter((x) => x.startsWith('INSERT INTO "member_engine_counters"') || x.startsWith('UPDATE "member_engine_states"'));
    expect(moves).toHaveLength(2);
    for (const statement of moves) await t.db.execute(sql.raw(statement));

    expect(await stored()).toEqual(now);
    const key = (r: { kind: string; key: string; value: number }) => `${r.kind} ${r.key} ${Number(r.value)}`;
    expect((await counterRows()).map(key).sort()).toEqual(rows.map(key).sort());
  });
});
