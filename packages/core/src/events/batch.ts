// The pipeline's bulk path (invoice import, the demo seed): many single-member events at once.
// Members are grouped into transactions; per transaction the members are locked, the events
// already recorded are skipped whole, the engine runs in memory over each member's new events in
// time order, and a few large inserts store the events (with their outcome) and every effect.
// Same result as recording the events one by one with processEvent.

import { randomUUID } from "node:crypto";
import { memberEngineStates, members, type Tx } from "@tally/db";
import { applyEvent } from "@tally/rules";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { lockBalances } from "../ledger/append.ts";
import { jsonRows, query } from "../sql.ts";
import { type Effect, freshMemberState, type MemberState } from "./engine.ts";
import { type EventOutcome, planEffects, storeEffects, toEngineEvent } from "./process-event.ts";
import type { PipelineSetup } from "./program.ts";
import type { EventInput } from "./schemas.ts";

export interface BatchStats {
  imported: number;
  skipped: number;
  points: number;
  /** external id -> stored event id, for the events recorded now. */
  eventIds: Map<string, string>;
}

const INSERT_BATCH = 2000;

/** Thrown when another transaction recorded one of the batch's events first: retry the batch. */
export class BatchConflict extends Error {}

/**
 * Records events that each involve one member (not referrals). Each member's list must already
 * be in the order to process (time order; the caller breaks ties). Runs in the caller's transaction.
 *
 * Order: find the events already recorded, lock the members (balances, then engine states), run
 * the engine over the new ones in memory, then insert the events with their outcome, the ledger
 * entries and the new states. An event recorded meanwhile by another transaction makes the
 * insert fail on the unique index (BatchConflict): the caller retries and it is skipped then.
 */
export async function processMemberEvents(
  tx: Tx,
  ctx: Ctx,
  setup: PipelineSetup,
  chunk: (readonly [string, EventInput[]])[],
  source: string,
): Promise<BatchStats> {
  // Skip what is recorded already (before locking: a recorded event stays recorded, so a re-import
  // takes no locks), and a repeated external id within the batch (first one wins).
  const all = chunk.flatMap(([, list]) => list);
  const recorded = new Set<string>();
  for (let i = 0; i < all.length; i += 10 * INSERT_BATCH) {
    const ids = all.slice(i, i + 10 * INSERT_BATCH).map((e) => e.id);
    const rows = await query<{ external_id: string }>(
      tx,
      sql`select e.external_id from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) as x(id)
          join events e on e.practice_id = ${ctx.practiceId}::uuid and e.external_id = x.id`,
    );
    for (const r of rows) recorded.add(r.external_id);
  }
  const fresh = new Map<string, string>();
  for (const e of all) if (!recorded.has(e.id) && !fresh.has(e.id)) fresh.set(e.id, randomUUID());
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
  const inputs: EventInput[] = [];
  const newStates: { member_id: string; state: MemberState }[] = [];
  const claimed = new Set<string>();
  for (const [memberId, list] of chunk) {
    const todo = list.filter((e) => fresh.has(e.id) && !claimed.has(e.id));
    if (todo.length === 0) continue;
    const profile = profileOf.get(memberId);
    if (!profile) throw new Error(`batch: member ${memberId} is not in this practice`);
    const state = { ...(stored.get(memberId) ?? freshMemberState(profile)), ...profile, balance: balances.get(memberId) ?? 0 };
    const engineState = { members: { [memberId]: state }, processed: {} as Record<string, true> };
    for (const e of todo) {
      // The same external id twice in one member's list: the first one wins.
      if (claimed.has(e.id)) continue;
      claimed.add(e.id);
      const eventId = fresh.get(e.id)!;
      const effects: Effect[] = [];
      applyEvent(setup.program, engineState, toEngineEvent(eventId, e), effects);
      items.push({ eventId, at: new Date(e.at), effects });
      inputs.push(e);
    }
    newStates.push({ member_id: memberId, state: engineState.members[memberId]! });
  }

  // Outcomes are known before anything is written, so each event row is written once, whole.
  const plan = planEffects(ctx, items, setup.versionId, { source });
  for (let i = 0; i < items.length; i += INSERT_BATCH) {
    const rows = items.slice(i, i + INSERT_BATCH).map((it, j) => {
      const e = inputs[i + j]!;
      return { id: it.eventId, external_id: e.id, type: e.type, at: e.at, member_id: e.member, payload: e, outcome: plan.outcomes[i + j] };
    });
    try {
      await tx.execute(
        sql`insert into events (id, practice_id, external_id, type, at, member_id, payload, outcome, rule_set_version_id, source)
            select x.id, ${ctx.practiceId}::uuid, x.external_id, x.type, x.at, x.member_id, x.payload, x.outcome, ${setup.versionId}::uuid, ${source}
            from jsonb_to_recordset(${jsonRows(rows)}) as x(id uuid, external_id text, type text, at timestamptz, member_id uuid, payload jsonb, outcome jsonb)`,
      );
    } catch (err) {
      if (pgCode(err) === "23505") throw new BatchConflict("An event of this batch was recorded meanwhile.", { cause: err });
      throw err;
    }
  }
  const changed = await storeEffects(tx, ctx, plan);
  if (changed.size > 0) {
    await saveOutcomes(
      tx,
      [...changed].map((i) => [items[i]!.eventId, plan.outcomes[i]!] as const),
      setup.versionId,
    );
  }
  for (let i = 0; i < newStates.length; i += 500) {
    await tx.execute(
      sql`insert into member_engine_states (member_id, practice_id, state)
          select x.member_id, ${ctx.practiceId}::uuid, x.state from jsonb_to_recordset(${jsonRows(newStates.slice(i, i + 500))}) as x(member_id uuid, state jsonb)
          on conflict (member_id) do update set state = excluded.state, updated_at = now()`,
    );
  }
  const points = plan.outcomes.reduce(
    (s, o) => s + o.awards.reduce((a, x) => a + x.points, 0) + o.reversals.reduce((a, x) => a + x.points, 0),
    0,
  );
  return { imported: fresh.size, skipped, points, eventIds: fresh };
}

/** The SQLSTATE of a database error (drizzle wraps the driver's error as its cause). */
export function pgCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

/** events.outcome from a JSON list, a thousand at a time (only for outcomes that changed while writing). */
async function saveOutcomes(tx: Tx, rows: (readonly [string, EventOutcome])[], versionId: string | null) {
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = rows.slice(i, i + 1000).map(([id, outcome]) => ({ id, outcome }));
    await tx.execute(
      sql`update events set outcome = x.outcome, rule_set_version_id = ${versionId}::uuid
          from jsonb_to_recordset(${jsonRows(batch)}) as x(id uuid, outcome jsonb) where events.id = x.id`,
    );
  }
}
