// Rebuilding members' engine states from their recorded events (SPEC 5 as clarified: a
// `total_spend` rule's lifetime basis counts only the invoices on which its `when` and `during`
// held; SPEC 7's lots, tiers, caps and availability). Each member's events are replayed in the
// order they were recorded (as the backtest does), each under the rule set version it was recorded
// with; the effects are discarded: the ledger is never rewritten, and the balance stays the
// ledger's. Events of duplicates merged into a member are replayed as the member's own. Running it
// again gives the same states (idempotent).

import { type Db, members, type Tx } from "@tally/db";
import { applyEvent, type EngineState } from "@tally/rules";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { lockBalances } from "../ledger/append.ts";
import { anyText, anyUuid, query } from "../sql.ts";
import { type Effect, freshMemberState, type MemberState, type Program } from "./engine.ts";
import { allCounters, allInvoices, allMarks, deleteCounters, deleteInvoices, deleteMarks } from "./member-states.ts";
import { toEngineEvent } from "./process-event.ts";
import { loadEligible, loadSetup, programFor } from "./program.ts";
import { nextExpiryAt } from "./record-events.ts";
import type { EventInput } from "./schemas.ts";
import { storeEvents } from "./store.ts";

/** Rebuilds the engine states of these members (ids of the practice's members) in the caller's transaction. */
export async function rebuildStates(tx: Tx, ctx: Ctx, memberIds: string[]): Promise<number> {
  const P = ctx.practiceId;
  const ids = [...new Set(memberIds)].sort();
  if (ids.length === 0) return 0;
  // The pipeline's lock order: balances, then states; events of these members wait for us.
  const balances = await lockBalances(tx, P, ids);
  await query(
    tx,
    sql`select member_id from member_engine_states where practice_id = ${P}::uuid
        and member_id = ${anyUuid(ids)} order by member_id for update`,
  );
  const setup = await loadSetup(tx, P);
  const eligible = await loadEligible(tx, P);
  const settings = {
    status: setup.practice.status,
    timezone: setup.practice.timezone,
    eligible,
    referralRewards: setup.practice.referralRewards,
  };
  const rows = await query<{ id: string; tags: string[]; birthday: string | null; registered: boolean }>(
    tx,
    sql`select id, tags, birthday::text as birthday, registered from members
        where practice_id = ${P}::uuid and id = ${anyUuid(ids)}`,
  );
  // Duplicates merged into these members: their events are the survivor's history.
  const merged = await query<{ id: string; merged_into_id: string }>(
    tx,
    sql`select id, merged_into_id from members where practice_id = ${P}::uuid and status = 'merged'
        and merged_into_id = ${anyUuid(ids)}`,
  );
  const owner = new Map<string, string>(ids.map((id) => [id, id]));
  for (const m of merged) owner.set(m.id, m.merged_into_id);
  const everyone = [...owner.keys()];
  const recorded = await query<{ id: string; payload: unknown; version: string | null; source: string | null }>(
    tx,
    sql`select e.id, e.payload, e.rule_set_version_id as version, v.source
        from events e left join rule_set_versions v on v.practice_id = e.practice_id and v.id = e.rule_set_version_id
        where e.practice_id = ${P}::uuid
          and (e.member_id = ${anyUuid(everyone)}
               or e.payload->'referral'->>'referrer' = ${anyText(everyone)})
        order by e.recorded_at, e.id`,
  );
  const engine: EngineState = { members: {}, processed: {} };
  for (const r of rows) engine.members[r.id] = freshMemberState({ tags: r.tags ?? [], birthday: r.birthday, registered: r.registered });
  const programs = new Map<string, Program>();
  const programOf = (version: string | null, source: string | null): Program => {
    if (version === null || source === null) return setup.program;
    let p = programs.get(version);
    if (!p) {
      p = programFor(source, version, settings);
      programs.set(version, p);
    }
    return p;
  };
  const discard: Effect[] = [];
  for (const e of recorded) {
    const input = (typeof e.payload === "string" ? JSON.parse(e.payload) : e.payload) as EventInput;
    const event = toEngineEvent(e.id, { ...input, member: owner.get(input.member) ?? input.member });
    const referrer = input.referral?.referrer;
    if (referrer !== undefined) event.referral = { ...input.referral, referrer: owner.get(referrer) ?? referrer };
    // The other side of a referral outside this set: a throwaway state (not saved).
    for (const id of [event.member, event.referral?.referrer]) if (id && !engine.members[id]) engine.members[id] = freshMemberState({});
    applyEvent(programOf(e.version, e.source), engine, event, discard);
    discard.length = 0;
  }
  const states = ids
    .filter((id) => engine.members[id])
    .map((id) => {
      const state: MemberState = { ...engine.members[id]!, balance: balances.get(id) ?? 0 };
      return { memberId: id, state, nextExpiry: nextExpiryAt(setup.program, state) };
    });
  const plan = { outcomes: [], entries: [], entrySlots: [], coupons: [], couponSlots: [], sideWrites: [], tierChanges: [] };
  // The invoice records, counters and tier marks are rebuilt whole: the members' rows are written again.
  await deleteInvoices(
    tx,
    P,
    states.map((s) => s.memberId),
  );
  await deleteCounters(
    tx,
    P,
    states.map((s) => s.memberId),
  );
  await deleteMarks(
    tx,
    P,
    states.map((s) => s.memberId),
  );
  await storeEvents(
    tx,
    ctx,
    {
      events: [],
      plan,
      states,
      invoices: allInvoices(states),
      counters: allCounters(states),
      marks: allMarks(states),
      versionId: setup.versionId,
      source: "job",
    },
    "statement",
  );
  return states.length;
}

/** Every member of a practice, in transactions of `batch` members. Returns how many were rebuilt. */
export async function rebuildPracticeStates(db: Db, ctx: Ctx, batch = 200): Promise<number> {
  let done = 0;
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const page = await db
      .select({ id: members.id })
      .from(members)
      .where(and(eq(members.practiceId, ctx.practiceId), eq(members.status, "member"), gt(members.id, after)))
      .orderBy(asc(members.id))
      .limit(batch);
    if (page.length === 0) return done;
    done += await db.transaction((tx) =>
      rebuildStates(
        tx,
        ctx,
        page.map((m) => m.id),
      ),
    );
    after = page[page.length - 1]!.id;
  }
}
