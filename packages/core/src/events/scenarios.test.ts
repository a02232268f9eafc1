// Equivalence: every shared scenario run through the database path (recordEvent, one event at a
// time, persisted state, ledger) gives exactly what `tally simulate` gives. Runs on PGlite, and on
// PostgreSQL under test:pg.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { actionRequests, eligibleItems, events, ledgerEntries, memberBalances, rewards } from "@tally/db";
import { orderEvents, type SimulationOutput, simulate } from "@tally/rules";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../errors.ts";
import { ledgerSum } from "../ledger/append.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase } from "../testing.ts";
import { expireDueMembers } from "./expire-due.ts";
import { recordEvent } from "./record-event.ts";

const repo = new URL("../../../../", import.meta.url).pathname;
const shared = join(repo, "..", "shared", "scenarios");
const fallback = join(repo, "packages", "rules", "test", "scenarios");
const jsonIn = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .sort()
        .map((f) => join(dir, f))
    : [];
// v1 (SPEC 5) and v2 (SPEC 7: expiry, tiers, caps, calendars, available after) scenarios.
const paths = existsSync(shared) ? [...jsonIn(shared), ...jsonIn(join(repo, "..", "shared", "scenarios-v2"))] : jsonIn(fallback);

// biome-ignore lint/suspicious/noExplicitAny: scenario files are free-form JSON compared key by key
type Json = Record<string, any>;

describe(`scenarios through the database (${process.env.DATABASE_URL ? "postgres" : "pglite"})`, () => {
  let t: TestDatabase;
  let ran = 0;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.dispose();
    expect(ran).toBeGreaterThan(0);
  });

  it("finds the scenarios", () => {
    expect(paths.length).toBeGreaterThan(0);
  });

  for (const path of paths) {
    it(basename(path), async () => {
      const scenario = JSON.parse(readFileSync(path, "utf8")) as Json;
      const expected = simulate(scenario);
      const db = await runThroughDatabase(t, scenario);
      if ("errors" in expected) {
        expect(db).toEqual({ errors: expected.errors });
      } else {
        // Expirations are booked per member (before the member's own events, or by the sweep),
        // the simulator's across members: the same entries, compared in order of their instant.
        const byInstant = (o: Json) =>
          o.expirations ? { ...o, expirations: [...o.expirations].sort((a, b) => a.at.localeCompare(b.at)) } : o;
        expect(byInstant(db)).toEqual(byInstant(expected));
      }
      ran++;
    });
  }
});

async function runThroughDatabase(t: TestDatabase, scenario: Json): Promise<SimulationOutput | { errors: unknown[] }> {
  const practice = await makePractice(t, { timezone: scenario.timezone ?? "UTC", status: scenario.status ?? "on" });
  if (Array.isArray(scenario.eligible)) {
    await t.db
      .insert(eligibleItems)
      .values(scenario.eligible.map((code: string) => ({ practiceId: practice.id, code, name: code, enabled: true })));
  }
  if (Array.isArray(scenario.coupons) && scenario.coupons.length > 0) {
    await t.db.insert(rewards).values(
      scenario.coupons.map((c: string) => ({
        practiceId: practice.id,
        kind: "coupon" as const,
        name: c,
        pointsPrice: 100,
        couponCode: c,
        enabled: false,
      })),
    );
  }
  try {
    await saveRuleSet({ ctx: practice.admin, input: { source: scenario.rules, publish: true } });
  } catch (e) {
    if (e instanceof DomainError && e.code === "RULE_INVALID") {
      const diagnostics = (e.details as { diagnostics: Json[] }).diagnostics;
      return {
        errors: diagnostics.map((d) =>
          d.hint === undefined
            ? { line: d.line, column: d.column, message: d.message }
            : { line: d.line, column: d.column, message: d.message, hint: d.hint },
        ),
      };
    }
    throw e;
  }

  // Members: declared ones with their profile, then everyone mentioned, in order of mention.
  const names: string[] = [];
  const profile = new Map<string, Json>();
  for (const m of scenario.members ?? []) {
    names.push(m.id);
    profile.set(m.id, m);
  }
  const ordered = orderEvents(scenario.events as { at: string; member: string; referral?: { referrer?: string } }[]);
  for (const e of ordered) {
    for (const id of [e.member, e.referral?.referrer]) if (id !== undefined && !names.includes(id)) names.push(id);
  }
  const rows = await makeMembers(
    t,
    practice.id,
    names.map((n) => ({
      firstName: n,
      lastName: "Scenario",
      tags: profile.get(n)?.tags ?? [],
      birthday: profile.get(n)?.birthday ?? null,
      registered: profile.get(n)?.registered ?? false,
    })),
  );
  const uuidOf = new Map(names.map((n, i) => [n, rows[i]!.id]));
  const nameOf = new Map(names.map((n, i) => [rows[i]!.id, n]));
  const externalOf = new Map<string, string>();

  const out: SimulationOutput = {
    awards: [],
    reversals: [],
    coupons: [],
    phases: [],
    pending: [],
    redemptions: [],
    adjustments: [],
    rejected: [],
    balances: {},
  };
  const declares = (word: string) => new RegExp(`^\\s*${word}\\b`, "m").test(scenario.rules);
  if (declares("tiers")) out.tiers = [];
  if (declares("expire")) out.expirations = [];
  for (const e of ordered as Json[]) {
    const input: Json = { ...e, member: uuidOf.get(e.member) };
    if (e.referral)
      input.referral = { ...e.referral, referrer: e.referral.referrer === undefined ? undefined : uuidOf.get(e.referral.referrer) };
    const r = await recordEvent({ ctx: practice.system, input: input as never });
    if (r.duplicate) continue;
    externalOf.set(r.eventId, e.id);
    const m = (id: string) => nameOf.get(id)!;
    for (const x of r.expirations ?? []) out.expirations?.push({ member: m(x.member), points: x.points, at: x.at });
    for (const x of r.tiers ?? []) out.tiers?.push({ event: e.id, member: m(x.member), tier: x.tier, from: x.from });
    for (const a of r.awards)
      out.awards.push(
        a.available === undefined
          ? { event: e.id, member: m(a.member), rule: a.rule, points: a.points }
          : { event: e.id, member: m(a.member), rule: a.rule, points: a.points, available: a.available },
      );
    for (const a of r.reversals)
      out.reversals.push({
        event: e.id,
        member: m(a.member),
        rule: a.rule,
        points: a.points,
        reverses: externalOf.get(a.reverses) ?? a.reverses,
      });
    for (const c of r.coupons) out.coupons.push({ event: e.id, member: m(c.member), rule: c.rule, coupon: c.coupon, expires: c.expires });
    for (const p of r.phases) out.phases.push({ event: e.id, member: m(p.member), rule: p.rule, phase: p.phase });
    for (const x of r.redemptions) out.redemptions.push({ event: e.id, member: m(x.member), points: x.points });
    for (const x of r.adjustments) out.adjustments.push({ event: e.id, member: m(x.member), points: x.points });
    for (const x of r.rejected) out.rejected.push({ event: e.id, member: m(x.member), reason: x.reason });
  }
  // After the last event, up to the scenario's `now`: the sweep books what fell due.
  if (out.expirations && ordered.length > 0) {
    const last = Date.parse(ordered[ordered.length - 1]!.at);
    const until = new Date(scenario.now !== undefined ? Math.max(last, Date.parse(scenario.now)) : last);
    await t.db.transaction((tx) => expireDueMembers(tx, practice.system, until));
    const swept = await t.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.practiceId, practice.id), eq(ledgerEntries.kind, "expiry"), isNull(ledgerEntries.eventId)));
    for (const x of swept.sort((a, b) => a.at.getTime() - b.at.getTime()))
      out.expirations.push({ member: nameOf.get(x.memberId)!, points: x.points, at: x.at.toISOString() });
  }
  // Still pending at the end: the approvals queue, in the order the requests were made.
  const pending = await t.db
    .select({ eventId: actionRequests.eventId, memberId: actionRequests.memberId, rule: actionRequests.ruleName })
    .from(actionRequests)
    .where(and(eq(actionRequests.practiceId, practice.id), eq(actionRequests.status, "pending")));
  const order = [...externalOf.keys()];
  pending.sort((a, b) => order.indexOf(a.eventId!) - order.indexOf(b.eventId!));
  out.pending = pending.map((p) => ({ event: externalOf.get(p.eventId!)!, member: nameOf.get(p.memberId)!, rule: p.rule }));

  const balances = await t.db
    .select()
    .from(memberBalances)
    .where(
      and(
        eq(memberBalances.practiceId, practice.id),
        inArray(
          memberBalances.memberId,
          rows.map((r) => r.id),
        ),
      ),
    );
  const cached = new Map(balances.map((b) => [b.memberId, b.balance]));
  for (const n of names) {
    const id = uuidOf.get(n)!;
    const sum = await ledgerSum(t.db, practice.id, id);
    expect(cached.get(id) ?? 0, `cached balance of ${n} equals the ledger sum`).toBe(sum);
    out.balances[n] = sum;
  }
  // Every event is stored once.
  const stored = await t.db.select({ id: events.id }).from(events).where(eq(events.practiceId, practice.id));
  expect(stored.length).toBe(new Set((scenario.events as Json[]).map((e) => e.id)).size);
  return out;
}
