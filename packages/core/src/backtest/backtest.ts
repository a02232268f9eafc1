// Backtest: run a draft rule set over the practice's recorded events in a date range, in memory
// (nothing is written), and compare with the active version: points per rule, per member, and
// the dollar cost at the practice's point cost. Members start the range with fresh engine state
// (history before `from` is not replayed), for the draft and the active version alike.

import { events, members, ruleSetVersions } from "@tally/db";
import { applyEvent, initialMemberState, initialState } from "@tally/rules";
import { and, asc, eq, gte, lt } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { Effect, Program } from "../events/engine.ts";
import { toEngineEvent } from "../events/process-event.ts";
import { loadEligible, programFor } from "../events/program.ts";
import { authorize } from "../permissions.ts";
import { loadPractice } from "../practices/practices.ts";
import { compileForPractice } from "../rules/rule-sets.ts";
import { type Input, notFound, parseInput } from "../verb.ts";

export const backtestInput = z
  .object({
    /** The draft's source, or a saved version's id. */
    source: z.string().max(200_000).optional(),
    versionId: z.uuid().optional(),
    from: z.coerce.date(),
    to: z.coerce.date(),
  })
  .refine((b) => b.source !== undefined || b.versionId !== undefined, { message: "give source or versionId" })
  .refine((b) => b.from < b.to, { message: "from must be before to" });

export interface BacktestSide {
  points: number;
  costCents: number;
  awards: number;
  byRule: { rule: string; points: number; awards: number; costCents: number }[];
  byMember: { memberId: string; name: string; points: number }[];
}

const costCents = (points: number, pointCostCentiCents: number) => Math.round((points * pointCostCentiCents) / 100);

function run(
  program: Program,
  rows: (typeof events.$inferSelect)[],
  profiles: Map<string, { tags: string[]; birthday: string | null; registered: boolean }>,
) {
  const state = initialState();
  const effects: Effect[] = [];
  for (const e of rows) {
    for (const id of [e.memberId, (e.payload as { referral?: { referrer?: string } }).referral?.referrer]) {
      if (id && !state.members[id]) state.members[id] = initialMemberState(profiles.get(id) ?? {});
    }
    applyEvent(program, state, toEngineEvent(e.id, e.payload as never), effects);
  }
  return effects;
}

function summarise(effects: Effect[], names: Map<string, string>, pointCost: number): BacktestSide {
  const byRule = new Map<string, { points: number; awards: number }>();
  const byMember = new Map<string, number>();
  let points = 0;
  let awards = 0;
  for (const e of effects) {
    if (e.type !== "award" && e.type !== "reversal") continue;
    if (e.points === 0) continue;
    const r = byRule.get(e.rule) ?? { points: 0, awards: 0 };
    r.points += e.points;
    if (e.type === "award") {
      r.awards++;
      awards++;
    }
    byRule.set(e.rule, r);
    byMember.set(e.member, (byMember.get(e.member) ?? 0) + e.points);
    points += e.points;
  }
  return {
    points,
    costCents: costCents(points, pointCost),
    awards,
    byRule: [...byRule].map(([rule, v]) => ({ rule, ...v, costCents: costCents(v.points, pointCost) })).sort((a, b) => b.points - a.points),
    byMember: [...byMember]
      .map(([memberId, p]) => ({ memberId, name: names.get(memberId) ?? memberId, points: p }))
      .sort((a, b) => b.points - a.points),
  };
}

export async function runBacktest({ ctx, input }: { ctx: Ctx; input: Input<typeof backtestInput> }) {
  authorize(ctx, "rules.backtest");
  const q = parseInput(backtestInput, input);
  const practice = await loadPractice(ctx.db, ctx.practiceId);
  let source = q.source;
  if (source === undefined) {
    const [v] = await ctx.db
      .select()
      .from(ruleSetVersions)
      .where(and(eq(ruleSetVersions.id, q.versionId!), eq(ruleSetVersions.practiceId, ctx.practiceId)));
    if (!v) throw notFound("Rule set version");
    source = v.source;
  }
  // The backtest answers "what would it have cost": run as if the program were on.
  await compileForPractice(ctx.db, ctx.practiceId, source);
  const settings = { status: "on" as const, timezone: practice.timezone, eligible: await loadEligible(ctx.db, ctx.practiceId) };
  const draft = programFor(source, `draft:${source.length}:${hash(source)}`, settings);
  const [active] = await ctx.db
    .select()
    .from(ruleSetVersions)
    .where(and(eq(ruleSetVersions.practiceId, ctx.practiceId), eq(ruleSetVersions.active, true)));
  const current = programFor(active?.source ?? "", active?.id ?? "empty", settings);

  const rows = await ctx.db
    .select()
    .from(events)
    .where(and(eq(events.practiceId, ctx.practiceId), gte(events.at, q.from), lt(events.at, q.to)))
    .orderBy(asc(events.at), asc(events.recordedAt));
  const people = await ctx.db
    .select({
      id: members.id,
      firstName: members.firstName,
      lastName: members.lastName,
      tags: members.tags,
      birthday: members.birthday,
      registered: members.registered,
    })
    .from(members)
    .where(eq(members.practiceId, ctx.practiceId));
  const profiles = new Map(people.map((p) => [p.id, { tags: p.tags, birthday: p.birthday, registered: p.registered }]));
  const names = new Map(people.map((p) => [p.id, `${p.firstName} ${p.lastName}`]));

  const draftSide = summarise(run(draft, rows, profiles), names, practice.pointCostCentiCents);
  const activeSide = summarise(run(current, rows, profiles), names, practice.pointCostCentiCents);
  const rules = new Set([...draftSide.byRule.map((r) => r.rule), ...activeSide.byRule.map((r) => r.rule)]);
  const difference = [...rules]
    .map((rule) => {
      const d = draftSide.byRule.find((r) => r.rule === rule)?.points ?? 0;
      const a = activeSide.byRule.find((r) => r.rule === rule)?.points ?? 0;
      return { rule, draft: d, active: a, difference: d - a };
    })
    .sort((x, y) => Math.abs(y.difference) - Math.abs(x.difference));
  return {
    from: q.from,
    to: q.to,
    events: rows.length,
    pointCostCentiCents: practice.pointCostCentiCents,
    draft: draftSide,
    active: { versionId: active?.id ?? null, version: active?.version ?? null, ...activeSide },
    difference: { points: draftSide.points - activeSide.points, costCents: draftSide.costCents - activeSide.costCents, byRule: difference },
  };
}

function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}
