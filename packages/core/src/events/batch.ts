// The pipeline's bulk path (invoice import, the demo seed): many single-member events at once.
// Members are grouped into transactions; per transaction one insert stores the events (those
// already recorded are skipped whole), one query locks the balances, the engine runs in memory
// over each member's new events in time order, and the shared writer stores every effect.
// Same result as recording the events one by one with processEvent.

import { memberEngineStates, members, type Tx } from "@tally/db";
import { applyEvent } from "@tally/rules";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { lockBalances } from "../ledger/append.ts";
import { jsonRows, query } from "../sql.ts";
import { type Effect, freshMemberState, type MemberState } from "./engine.ts";
import { type EventOutcome, toEngineEvent, writeEffectsBatch } from "./process-event.ts";
import type { PipelineSetup } from "./program.ts";
import type { EventInput } from "./schemas.ts";

export interface BatchStats {
  imported: number;
  skipped: number;
  points: number;
  /** external id -> stored event id, for the events recorded now. */
  eventIds: Map<string, string>;
}

const EVENT_INSERT_BATCH = 2000;

/**
 * Records events that each involve one member (not referrals). Each member's list must already
 * be in the order to process (time order; the caller breaks ties). Runs in the caller's transaction.
 */
export async function processMemberEvents(
  tx: Tx,
  ctx: Ctx,
  setup: PipelineSetup,
  chunk: (readonly [string, EventInput[]])[],
  source: string,
): Promise<BatchStats> {
  const all = chunk.flatMap(([, list]) => list);
  // Event rows first (the pipeline's order: event row, then member locks).
  const fresh = new Map<string, string>();
  for (let i = 0; i < all.length; i += EVENT_INSERT_BATCH) {
    const rows = all
      .slice(i, i + EVENT_INSERT_BATCH)
      .map((e) => ({ external_id: e.id, type: e.type, at: e.at, member_id: e.member, payload: e }));
    const inserted = await query<{ id: string; external_id: string }>(
      tx,
      sql`insert into events (practice_id, external_id, type, at, member_id, payload, source)
          select ${ctx.practiceId}::uuid, x.external_id, x.type, x.at, x.member_id, x.payload, ${source}
          from jsonb_to_recordset(${jsonRows(rows)}) as x(external_id text, type text, at timestamptz, member_id uuid, payload jsonb)
          on conflict (practice_id, external_id) do nothing
          returning id, external_id`,
    );
    for (const e of inserted) fresh.set(e.external_id, e.id);
  }
  const skipped = all.length - fresh.size;
  if (fresh.size === 0) return { imported: 0, skipped, points: 0, eventIds: fresh };

  const memberIds = chunk.map(([id]) => id);
  const balances = await lockBalances(tx, ctx.practiceId, memberIds);
  const stateRows = await tx
    .select({ memberId: memberEngineStates.memberId, state: memberEngineStates.state })
    .from(memberEngineStates)
    .where(and(eq(memberEngineStates.practiceId, ctx.practiceId), inArray(memberEngineStates.memberId, memberIds)))
    .for("update");
  const stored = new Map(stateRows.map((r) => [r.memberId, r.state as MemberState]));
  const profiles = await tx
    .select({ id: members.id, tags: members.tags, birthday: members.birthday, registered: members.registered })
    .from(members)
    .where(and(eq(members.practiceId, ctx.practiceId), inArray(members.id, memberIds)));
  const profileOf = new Map(profiles.map((p) => [p.id, { tags: p.tags, birthday: p.birthday, registered: p.registered }]));

  const items: { eventId: string; at: Date; effects: Effect[] }[] = [];
  const newStates: { memberId: string; practiceId: string; state: MemberState; updatedAt: Date }[] = [];
  for (const [memberId, list] of chunk) {
    const todo = list.filter((e) => fresh.has(e.id));
    if (todo.length === 0) continue;
    const profile = profileOf.get(memberId);
    if (!profile) throw new Error(`batch: member ${memberId} is not in this practice`);
    const state = { ...(stored.get(memberId) ?? freshMemberState(profile)), ...profile, balance: balances.get(memberId) ?? 0 };
    const engineState = { members: { [memberId]: state }, processed: {} as Record<string, true> };
    for (const e of todo) {
      const eventId = fresh.get(e.id)!;
      const effects: Effect[] = [];
      applyEvent(setup.program, engineState, toEngineEvent(eventId, e), effects);
      items.push({ eventId, at: new Date(e.at), effects });
    }
    newStates.push({ memberId, practiceId: ctx.practiceId, state: engineState.members[memberId]!, updatedAt: new Date() });
  }

  const outcomes = await writeEffectsBatch(tx, ctx, items, setup.versionId, { source });
  for (let i = 0; i < newStates.length; i += 500) {
    const rows = newStates.slice(i, i + 500).map((n) => ({ member_id: n.memberId, state: n.state }));
    await tx.execute(
      sql`insert into member_engine_states (member_id, practice_id, state)
          select x.member_id, ${ctx.practiceId}::uuid, x.state from jsonb_to_recordset(${jsonRows(rows)}) as x(member_id uuid, state jsonb)
          on conflict (member_id) do update set state = excluded.state, updated_at = now()`,
    );
  }
  await saveOutcomes(
    tx,
    items.map((it, i) => [it.eventId, outcomes[i]!] as const),
    setup.versionId,
  );
  const points = outcomes.reduce(
    (s, o) => s + o.awards.reduce((a, x) => a + x.points, 0) + o.reversals.reduce((a, x) => a + x.points, 0),
    0,
  );
  return { imported: fresh.size, skipped, points, eventIds: fresh };
}

/** One UPDATE per thousand events: events.outcome from a JSON list. */
async function saveOutcomes(tx: Tx, rows: (readonly [string, EventOutcome])[], versionId: string | null) {
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000).map(([id, outcome]) => ({ id, outcome }));
    await tx.execute(
      sql`update events set outcome = x.outcome, rule_set_version_id = ${versionId}::uuid
          from jsonb_to_recordset(${jsonRows(batch)}) as x(id uuid, outcome jsonb) where events.id = x.id`,
    );
  }
}
