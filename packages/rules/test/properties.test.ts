// Engine properties over random event streams (SPEC section 5, items 9 and 10).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEvent, check, compile, type Effect, type EngineEvent, evaluate, initialState, simulate } from "../src/index.ts";
import { eventStream, RICH_RULES } from "./arbitraries.ts";

const program = compile(check(RICH_RULES).ast, { timezone: "America/Chicago", eligible: ["EXAM", "CLEAN"] });
const scenario = (events: EngineEvent[]) => ({ rules: RICH_RULES, timezone: "America/Chicago", eligible: ["EXAM", "CLEAN"], events });

describe("engine properties", () => {
  it("the rich rule set used by these properties is valid", () => {
    expect(check(RICH_RULES).diagnostics).toEqual([]);
  });

  it("replaying any event twice changes nothing", () => {
    fc.assert(
      fc.property(eventStream, fc.array(fc.nat()), (events, picks) => {
        const replayed = [...events];
        for (const p of picks) if (events.length) replayed.push({ ...events[p % events.length]! });
        expect(simulate(scenario(replayed))).toEqual(simulate(scenario(events)));
      }),
      { numRuns: 150 },
    );
  });

  it("shuffling events with distinct times gives the same result", () => {
    fc.assert(
      fc.property(
        eventStream.chain((events) =>
          fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length })),
        ),
        ([events, shuffled]) => {
          expect(simulate(scenario(shuffled))).toEqual(simulate(scenario(events)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a balance always equals the sum of its ledger entries", () => {
    let entries = 0;
    fc.assert(
      fc.property(eventStream, (events) => {
        const out = simulate(scenario(events));
        if ("errors" in out) throw new Error("unexpected errors");
        const sums: Record<string, number> = {};
        for (const list of [out.awards, out.reversals, out.redemptions, out.adjustments])
          for (const e of list) sums[e.member] = (sums[e.member] ?? 0) + e.points;
        for (const [m, balance] of Object.entries(out.balances)) expect(balance).toBe(sums[m] ?? 0);
        entries += out.awards.length + out.reversals.length + out.redemptions.length + out.adjustments.length;
      }),
      { numRuns: 150 },
    );
    expect(entries).toBeGreaterThan(100); // the generated streams really do move points
  });

  it("a redemption never makes a balance negative", () => {
    fc.assert(
      fc.property(eventStream, (events) => {
        const state = initialState();
        for (const e of events) {
          const out: Effect[] = [];
          const before = state.members[e.member]?.balance ?? 0;
          applyEvent(program, state, e, out);
          for (const x of out) {
            if (x.type === "redemption") {
              expect(before + x.points).toBeGreaterThanOrEqual(0);
              expect(state.members[e.member]!.balance).toBeGreaterThanOrEqual(0);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("evaluate is pure and agrees with the in-place core; its state is plain JSON", () => {
    fc.assert(
      fc.property(eventStream, (events) => {
        let pure = initialState();
        const inPlace = initialState();
        for (const e of events) {
          const snapshot = JSON.stringify(pure);
          const r = evaluate(program, pure, e);
          expect(JSON.stringify(pure)).toBe(snapshot); // input untouched
          const out: Effect[] = [];
          applyEvent(program, inPlace, e, out);
          expect(r.effects).toEqual(out);
          pure = r.state;
        }
        expect(JSON.parse(JSON.stringify(pure))).toEqual(inPlace);
      }),
      { numRuns: 60 },
    );
  });
});
