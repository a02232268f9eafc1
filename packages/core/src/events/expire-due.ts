// The expiry sweep (SPEC 7): points that fall due are booked as `expiry` ledger entries by the
// write pipeline's own steps — lock balances, then engine states (member id order) → the engine's
// `expireDue` → plan → the store step — without an event. Members are found through
// member_engine_states.next_expiry_at (written by the store step with every state), so a sweep
// reads only the members with something due, never every lot. Events apply what is due before
// themselves anyway (applyEvent); the sweep makes the ledger say it on time for members who stay away.

import { randomUUID } from "node:crypto";
import type { Db, Tx } from "@tally/db";
import { creditPoints, expireDue, pointsDueToExpire, upcomingExpirations } from "@tally/rules";
import { sql } from "drizzle-orm";
import { type Ctx, systemCtx } from "../context.ts";
import { lockBalances } from "../ledger/append.ts";
import { authorize } from "../permissions.ts";
import { anyUuid, query } from "../sql.ts";
import { type Effect, freshMemberState, type MemberState } from "./engine.ts";
import { planEffects } from "./process-event.ts";
import { loadSetup } from "./program.ts";
import { nextExpiryAt, withRetry } from "./record-events.ts";
import { storeEvents } from "./store.ts";

export interface SweepResult {
  /** Members whose due points were booked. */
  members: number;
  /** Points expired (positive). */
  points: number;
}

/**
 * Books every expiration due by `until` for up to `limit` members of one practice, in the caller's
 * transaction. While the program is off nothing expires (the index keeps the members: their lots
 * expire when it is switched on again).
 */
export async function expireDueMembers(tx: Tx, ctx: Ctx, until: Date, limit = 500): Promise<SweepResult & { more: boolean }> {
  const P = ctx.practiceId;
  const setup = await loadSetup(tx, P);
  if (setup.practice.status === "off") return { members: 0, points: 0, more: false };
  const due = await query<{ member_id: string }>(
    tx,
    sql`select member_id from member_engine_states
        where practice_id = ${P}::uuid and next_expiry_at <= ${until.toISOString()}::timestamptz
        order by next_expiry_at limit ${limit + 1}`,
  );
  const more = due.length > limit;
  const ids = due
    .slice(0, limit)
    .map((r) => r.member_id)
    .sort();
  if (ids.length === 0) return { members: 0, points: 0, more: false };
  // The pipeline's lock order: balances, then states (an event of these members queues behind us).
  const balances = await lockBalances(tx, P, ids);
  const rows = await query<{ member_id: string; state: unknown }>(
    tx,
    sql`select member_id, state from member_engine_states
        where practice_id = ${P}::uuid and member_id = ${anyUuid(ids)}
        order by member_id for update`,
  );
  const effects: Effect[] = [];
  const states: { memberId: string; state: MemberState; nextExpiry: Date | null }[] = [];
  for (const r of rows) {
    const state = { ...((typeof r.state === "string" ? JSON.parse(r.state) : r.state) as MemberState) };
    state.balance = balances.get(r.member_id) ?? 0;
    expireDue(setup.program, state, r.member_id, until.getTime(), effects);
    states.push({ memberId: r.member_id, state, nextExpiry: nextExpiryAt(setup.program, state) });
  }
  const plan = planEffects(ctx, [{ eventId: null, at: until, effects, sweep: randomUUID() }], setup.versionId, {});
  await storeEvents(tx, ctx, { events: [], plan, states, versionId: setup.versionId, source: "job" }, "statement");
  const expired = plan.entries.reduce((sum, e) => sum - e.points, 0);
  return { members: new Set(plan.entries.map((e) => e.memberId)).size, points: expired, more };
}

/** Practices with members whose points are due by `until` (their program not off). */
export async function practicesWithDueExpiries(db: Db, until: Date): Promise<string[]> {
  const rows = await query<{ practice_id: string }>(
    db,
    sql`select distinct s.practice_id from member_engine_states s join practices p on p.id = s.practice_id
        where s.next_expiry_at <= ${until.toISOString()}::timestamptz and p.status <> 'off'`,
  );
  return rows.map((r) => r.practice_id);
}

/** The sweep job: every practice, in transactions of up to `batch` members, until nothing due by `until` is left. */
export async function runExpirySweep(db: Db, until = new Date(), batch = 500): Promise<SweepResult & { practices: number }> {
  const total = { members: 0, points: 0, practices: 0 };
  for (const practiceId of await practicesWithDueExpiries(db, until)) {
    total.practices++;
    const ctx = systemCtx(db, practiceId);
    for (;;) {
      const r = await withRetry(() => db.transaction((tx) => expireDueMembers(tx, ctx, until, batch)));
      total.members += r.members;
      total.points += r.points;
      if (!r.more) break;
    }
  }
  return total;
}

/** A member with points expiring soon (the daily digest's "points expiring" message, once per due instant). */
export interface ExpiringSoon {
  memberId: string;
  firstName: string;
  /** Points expiring within the horizon. */
  points: number;
  /** The first of those instants: with the member, the message's key (a member is told once). */
  expiresAt: string;
}

/** Members of a practice whose points expire within `days` of `now` (SPEC 7: the digest tells them once). */
export async function expiringSoon(db: Db | Tx, practiceId: string, now: Date, days = 30): Promise<ExpiringSoon[]> {
  const setup = await loadSetup(db, practiceId);
  if (setup.program.expire === null || setup.practice.status === "off") return [];
  const horizon = now.getTime() + days * 24 * 3600 * 1000;
  const rows = await query<{ member_id: string; first_name: string; state: unknown; balance: number | string | null }>(
    db,
    sql`select s.member_id, m.first_name, s.state, b.balance from member_engine_states s
        join members m on m.practice_id = s.practice_id and m.id = s.member_id and m.status = 'member'
        left join member_balances b on b.practice_id = s.practice_id and b.member_id = s.member_id
        where s.practice_id = ${practiceId}::uuid and s.next_expiry_at > ${now.toISOString()}::timestamptz
          and s.next_expiry_at <= ${new Date(horizon).toISOString()}::timestamptz`,
  );
  const out: ExpiringSoon[] = [];
  for (const r of rows) {
    const state = { ...((typeof r.state === "string" ? JSON.parse(r.state) : r.state) as MemberState), balance: Number(r.balance ?? 0) };
    const soon = upcomingExpirations(setup.program, state, 100).filter((x) => Date.parse(x.at) <= horizon);
    if (soon.length === 0) continue;
    out.push({ memberId: r.member_id, firstName: r.first_name, points: soon.reduce((s, x) => s + x.points, 0), expiresAt: soon[0]!.at });
  }
  return out;
}

/**
 * What switching the program on (or to test) would expire at once (SPEC 7: nothing expires while
 * it is off; lots that fell due meanwhile expire when it is switched on): the admin app says it first.
 */
export async function pointsDueOnSwitchOn({
  ctx,
  now = new Date(),
}: {
  ctx: Ctx;
  now?: Date;
}): Promise<{ points: number; members: number }> {
  authorize(ctx, "rules.publish");
  const setup = await loadSetup(ctx.db, ctx.practiceId);
  if (setup.program.expire === null) return { points: 0, members: 0 };
  const rows = await query<{ state: unknown; balance: number | string | null }>(
    ctx.db,
    sql`select s.state, b.balance from member_engine_states s left join member_balances b on b.practice_id = s.practice_id and b.member_id = s.member_id
        where s.practice_id = ${ctx.practiceId}::uuid and s.next_expiry_at <= ${now.toISOString()}::timestamptz`,
  );
  let points = 0;
  let members = 0;
  for (const r of rows) {
    const state = { ...((typeof r.state === "string" ? JSON.parse(r.state) : r.state) as MemberState), balance: Number(r.balance ?? 0) };
    const due = pointsDueToExpire(setup.program, state, now.getTime());
    if (due > 0) {
      points += due;
      members++;
    }
  }
  return { points, members };
}

/**
 * Points credited outside the events (a cancelled order's refund, written by the caller as a ledger
 * entry first): SPEC 7 makes them a new lot dated at the credit, and activity. The member's balance
 * row is locked by that entry; the engine state follows, with the sweep's index.
 */
export async function creditEngineState(tx: Tx, ctx: Ctx, memberId: string, at: Date, points: number): Promise<void> {
  const setup = await loadSetup(tx, ctx.practiceId);
  const [row] = await query<{ state: unknown; balance: number | string | null }>(
    tx,
    sql`select s.state, b.balance from member_balances b left join member_engine_states s on s.practice_id = b.practice_id and s.member_id = b.member_id
        where b.member_id = ${memberId}::uuid for update of b`,
  );
  const stored = row?.state ? ((typeof row.state === "string" ? JSON.parse(row.state) : row.state) as MemberState) : null;
  const state: MemberState = stored && "invoices" in stored ? { ...stored } : freshMemberState({});
  creditPoints(setup.program, state, at.getTime(), points);
  state.balance = Number(row?.balance ?? state.balance);
  const plan = { outcomes: [], entries: [], entrySlots: [], coupons: [], couponSlots: [], sideWrites: [], tierChanges: [] };
  await storeEvents(
    tx,
    ctx,
    {
      events: [],
      plan,
      states: [{ memberId, state, nextExpiry: nextExpiryAt(setup.program, state) }],
      versionId: setup.versionId,
      source: "job",
    },
    "statement",
  );
}
