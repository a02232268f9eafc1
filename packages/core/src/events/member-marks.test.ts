// Tier marks that do not grow the state: under `tiers by points` each award, under `tiers by
// visits` each check-in is a row of member_engine_marks, none inline, and a batch loads those
// after its earliest event's window start (and the awards a void takes back). Five years of
// history keep the state the size it had after one; late events, back-dated batches and voids of
// invoices long out of the window come out exactly as the pure engine over the same events with
// every mark in memory: every award, tier change and balance.
import { readFileSync } from "node:fs";
import { memberBalances, memberEngineStates } from "@tally/db";
import { applyEvent, type Effect, type EngineState, tierStatus } from "@tally/rules";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergeMembers, mergeStates } from "../members/merge-members.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { query } from "../sql.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { freshMemberState, type MemberState } from "./engine.ts";
import { allMarks, loadMemberStates, markWindowFrom, storedState, withTierWindow } from "./member-states.ts";
import { toEngineEvent } from "./process-event.ts";
import { loadSetup } from "./program.ts";
import { rebuildStates } from "./rebuild-states.ts";
import { type RecordedEvent, recordEvents } from "./record-events.ts";
import type { EventInput } from "./schemas.ts";

const byPoints = `
tiers by points over 12 months {
  tier "Member" from 0
  tier "Silver" from 900 multiplier 1.5
  tier "Gold" from 1600 multiplier 2
}

earn "Spend" on invoice.paid {
  rate 1 point per $1
  items all
}

reward "Visit" on visit.checked_in {
  award 5 points
}

reward "Gold visit" on visit.checked_in when member.tier = "Gold" {
  award 3 points
}
`;

const byVisits = `
tiers by visits over 6 months {
  tier "Member" from 0
  tier "Regular" from 40 multiplier 1.5
  tier "Loyal" from 70 multiplier 2
}

earn "Spend" on invoice.paid {
  rate 1 point per $1
  items all
}

reward "Loyal visit" on visit.checked_in when member.tier = "Loyal" {
  award 3 points
}
`;

const DAY = 24 * 3600 * 1000;

for (const [name, rules] of [
  ["tiers by points", byPoints],
  ["tiers by visits", byVisits],
] as const)
  describe(`${name}: the tier marks in their own rows`, () => {
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

    const checkIn = (id: string, at: string, member = ana): EventInput => ({
      id,
      type: "visit.checked_in",
      at,
      member,
      visit: { method: "staff" },
    });
    const paid = (id: string, invoiceId: string, amount: string, at: string, member = ana): EventInput => ({
      id,
      type: "invoice.paid",
      at,
      member,
      invoice: { id: invoiceId, lines: [{ code: "A", amount }] },
    });
    const voided = (id: string, invoiceId: string, at: string, member = ana): EventInput => ({
      id,
      type: "invoice.voided",
      at,
      member,
      invoice: { id: invoiceId },
    });

    /** A year of history whose pace changes with the season (the tier rises and falls): check-ins and invoices. */
    const year = (y: number): EventInput[] => {
      const out: EventInput[] = [];
      const from = Date.UTC(y, 0, 1, 15);
      for (let d = 0; d < 365; d++) {
        const at = new Date(from + d * DAY).toISOString();
        const busy = d < 120 || d > 300;
        if (d % (busy ? 2 : 5) === 0) out.push(checkIn(`v-${y}-${d}`, at));
        if (d % (busy ? 4 : 9) === 1) out.push(paid(`p-${y}-${d}`, `I-${y}-${d}`, `${30 + ((d * 7) % 40)}.00`, at));
      }
      return out;
    };

    const stored = async () =>
      (await t.db.select().from(memberEngineStates).where(eq(memberEngineStates.memberId, ana)))[0]!.state as MemberState;
    const markRows = () =>
      query<{ kind: string; key: string; event: string | null; ms: string; value: string }>(
        t.db,
        sql`select kind, key, event, (extract(epoch from at) * 1000)::bigint as ms, value from member_engine_marks where member_id = ${ana}::uuid`,
      );
    const rowKey = (r: { kind: string; key: string; event: string | null; at?: number; ms?: string; value: number | string }) =>
      `${r.kind} ${r.key} ${r.event} ${Number(r.at ?? r.ms)} ${Number(r.value)}`;
    const balance = async () => Number((await t.db.select().from(memberBalances).where(eq(memberBalances.memberId, ana)))[0]?.balance ?? 0);

    const pure: EngineState = { members: {}, processed: {} };
    const pureOutcomes: string[] = [];
    const outcomes: string[] = [];
    type Line = { rule?: string; tier?: string; points?: number; value?: number };
    const summary = (rows: Line[]) =>
      rows
        .map((r) => (r.tier !== undefined ? `tier ${r.tier} ${r.value}` : `${r.rule}:${r.points}`))
        .sort()
        .join(",");
    const pureSummary = (effects: Effect[]) =>
      summary(
        effects.flatMap((e): Line[] =>
          e.type === "award" || e.type === "reversal"
            ? [{ rule: e.rule, points: e.points }]
            : e.type === "tier"
              ? [{ tier: e.tier, value: e.value }]
              : [],
        ),
      );

    let program: Awaited<ReturnType<typeof loadSetup>>["program"];
    const run = async (inputs: EventInput[], size = 100) => {
      for (let i = 0; i < inputs.length; i += size) {
        const chunk = inputs.slice(i, i + size);
        const out: RecordedEvent[] = await t.db.transaction((tx) => recordEvents(tx, p.system, chunk));
        for (const o of out) outcomes.push(summary([...o.awards, ...o.reversals, ...(o.tiers ?? [])]));
        for (const [k, input] of chunk.entries()) {
          // Under the id the pipeline gave the event (what the marks name).
          const effects: Effect[] = [];
          applyEvent(program, pure, toEngineEvent(out[k]!.eventId, input), effects);
          pureOutcomes.push(pureSummary(effects));
        }
      }
    };

    it("five years stay the size of one; late events and voids read the marks they need, as the pure engine does", async () => {
      program = (await loadSetup(t.db, p.id)).program;
      pure.members[ana] = freshMemberState({});
      const inlineBytes = () => JSON.stringify({ ...pure.members[ana]!, invoices: {} }).length;

      await run(year(2021));
      const oneYear = JSON.stringify(await stored()).length;
      const oneYearInline = inlineBytes();
      for (const y of [2022, 2023, 2024, 2025]) await run(year(y));
      const fiveYears = JSON.stringify(await stored()).length;

      // (a) Bounded: no mark inline, every mark a row.
      const state = await stored();
      expect("tierAwards" in state).toBe(false);
      expect("visitTimes" in state).toBe(false);
      expect(fiveYears).toBeLessThanOrEqual(oneYear + 16);
      expect(inlineBytes()).toBeGreaterThan(oneYearInline * 4);
      expect((await markRows()).length).toBeGreaterThan(600);

      // (b) Late events: back-dated check-ins and invoices into 2022 (their window long out of
      // every recent batch's), alone and with current events in one batch; voids of invoices paid
      // years ago (under points their awards leave the window they were in), then late events
      // in that window that read the lower value.
      await run([checkIn("late-v1", "2022-03-17T18:00:00.000Z"), paid("late-p1", "I-late-1", "90.00", "2022-04-14T18:00:00.000Z")]);
      await run([checkIn("now-v1", "2026-01-03T10:00:00.000Z"), checkIn("late-v2", "2022-02-01T19:00:00.000Z")]);
      await run([checkIn("late-v5", "2022-05-02T19:00:00.000Z"), paid("now-p1", "I-now-1", "40.00", "2026-01-03T11:00:00.000Z")]);
      const voids = ["I-2022-1", "I-2022-5", "I-2022-9", "I-2022-13", "I-2022-17", "I-2022-21", "I-2022-25", "I-2022-29"];
      await run(voids.map((id, k) => voided(`void-${k}`, id, `2026-01-0${4 + (k % 3)}T10:00:00.000Z`)));
      await run([checkIn("late-v3", "2022-03-20T18:00:00.000Z"), paid("late-p2", "I-late-2", "50.00", "2022-03-21T18:00:00.000Z")]);
      // One event per batch across a year boundary, then a whole year back-dated in one batch.
      await run([checkIn("late-v4", "2023-12-31T23:00:00.000Z"), voided("void-late-1", "I-late-1", "2026-01-08T10:00:00.000Z")], 1);
      await run(
        year(2020).map((e) => ({
          ...e,
          id: `old-${e.id}`,
          ...(e.invoice ? { invoice: { ...e.invoice, id: `old-${e.invoice.id}` } } : {}),
        })),
        500,
      );

      expect(outcomes).toEqual(pureOutcomes);
      expect(pureOutcomes.filter((o) => o.includes("tier ")).length).toBeGreaterThan(5);
      expect(pureOutcomes.some((o) => o.startsWith("Spend:-") || o.includes(",Spend:-"))).toBe(true);

      // Every mark is the pure engine's; none is inline; the balance is its balance.
      const m = pure.members[ana]!;
      expect((await markRows()).map(rowKey).sort()).toEqual(
        allMarks([{ memberId: ana, state: m }])
          .map(rowKey)
          .sort(),
      );
      const after = await stored();
      expect(after).toEqual(JSON.parse(JSON.stringify(storedState({ ...m, invoices: {}, balance: after.balance }))));
      expect(await balance()).toBe(m.balance);
      expect(after.tier).toBe(m.tier);

      // The tier as of an instant (what apps show), the window's marks loaded as the apps load them.
      for (const at of ["2022-06-01T00:00:00Z", "2024-02-10T12:00:00Z", "2025-12-31T00:00:00Z", "2026-03-01T00:00:00Z"]) {
        const ms = Date.parse(at);
        const { states } = await loadMemberStates(t.db, p.id, [ana], { markWindowFrom: markWindowFrom(program, ms) });
        expect(tierStatus(program, states.get(ana)!, ms)).toEqual(tierStatus(program, m, ms));
        const shown = { [ana]: await stored() };
        await withTierWindow(t.db, p.id, program, shown, ms);
        expect(tierStatus(program, shown[ana]!, ms)).toEqual(tierStatus(program, m, ms));
      }
    }, 600_000);

    it("a rebuild writes the same marks and state again", async () => {
      const before = (await markRows()).map(rowKey).sort();
      const state = await stored();
      await t.db.transaction((tx) => rebuildStates(tx, p.system, [ana]));
      expect((await markRows()).map(rowKey).sort()).toEqual(before);
      expect(await stored()).toEqual(state);
    }, 300_000);

    it("the migration moves a state's inline marks to rows, in place", async () => {
      // A state as it was stored before: every mark inline (the rows folded back into it).
      const rows = await markRows();
      const now = await stored();
      const { states } = await loadMemberStates(t.db, p.id, [ana], { all: true });
      const full = states.get(ana)!;
      const inline: MemberState = { ...now };
      if (full.tierAwards !== undefined) inline.tierAwards = full.tierAwards;
      if (full.visitTimes !== undefined) inline.visitTimes = full.visitTimes;
      expect((full.tierAwards?.length ?? 0) + (full.visitTimes?.length ?? 0)).toBeGreaterThan(600);
      await t.db.execute(sql`delete from member_engine_marks where member_id = ${ana}::uuid`);
      await t.db.update(memberEngineStates).set({ state: inline }).where(eq(memberEngineStates.memberId, ana));

      const file = readFileSync(new URL("../../../db/drizzle/0033_member_engine_marks.sql", import.meta.url), "utf8");
      const moves = file
        .split("--> statement-breakpoint")
        .map((x) => x.trim())
        .filter((x) => x.startsWith('INSERT INTO "member_engine_marks"') || x.startsWith('UPDATE "member_engine_states"'));
      expect(moves).toHaveLength(3);
      for (const statement of moves) await t.db.execute(sql.raw(statement));

      expect(await stored()).toEqual(now);
      expect((await markRows()).map(rowKey).sort()).toEqual(rows.map(rowKey).sort());
    });

    it("a merge moves both members' marks to the survivor; later events read them as the pure engine does", async () => {
      const [bob] = (await makeMembers(t, p.id, [{ firstName: "Bob", lastName: "Bell" }])).map((m) => m.id) as [string];
      pure.members[bob] = freshMemberState({});
      const his = year(2025).map((e) => ({
        ...e,
        id: `bob-${e.id}`,
        member: bob,
        ...(e.invoice ? { invoice: { ...e.invoice, id: `bob-${e.invoice.id}` } } : {}),
      }));
      await run(his);
      await mergeMembers({ ctx: p.admin, input: { sourceId: bob, targetId: ana } });
      pure.members[ana] = mergeStates(pure.members[ana], pure.members[bob])!;
      expect((await markRows()).map(rowKey).sort()).toEqual(
        allMarks([{ memberId: ana, state: pure.members[ana]! }])
          .map(rowKey)
          .sort(),
      );
      expect(await stored()).not.toHaveProperty("tierAwards");
      expect(await stored()).not.toHaveProperty("visitTimes");
      // Late and current events on the survivor, and a void of the duplicate's invoice.
      await run([
        checkIn("merged-v1", "2025-06-02T18:00:00.000Z"),
        voided("merged-void", "bob-I-2025-1", "2026-02-01T10:00:00.000Z"),
        paid("merged-p1", "I-merged-1", "60.00", "2026-02-02T10:00:00.000Z"),
      ]);
      expect(outcomes).toEqual(pureOutcomes);
      expect((await markRows()).map(rowKey).sort()).toEqual(
        allMarks([{ memberId: ana, state: pure.members[ana]! }])
          .map(rowKey)
          .sort(),
      );
    }, 300_000);
  });
