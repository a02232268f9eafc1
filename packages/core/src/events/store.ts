// The pipeline's store step: new events (with their outcome), every effect and the members' new
// engine states, in the caller's transaction. One shape of data; how it is written depends on
// size and engine only:
//  - `statement`: up to a few thousand events, everything in one statement (CTEs over
//    `jsonb_to_recordset`): events, ledger entries and balances, engine states. Works on PGlite
//    and PostgreSQL; a kiosk check-in or a desk event is one round trip here.
//  - `copy`: larger batches on PostgreSQL: COPY for events and ledger entries, set-based upserts
//    for balances and states.
// A state's row holds `invoices: {}`; the invoice records the batch created or changed are
// upserted as rows of their own (member-states.ts), with the states; so are the limit and cap
// counters of past periods, and the tier marks.
// Coupons, phases and manual requests (rare) follow as their own statements either way.

import { issuedCoupons, type Tx } from "@tally/db";
import { sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { copyEntries, ledgerWrites, resolveReversals } from "../ledger/append.ts";
import { copyIn, copyText, jsonRows, rawClient } from "../sql.ts";
import { audit } from "../verb.ts";
import type { MemberState } from "./engine.ts";
import {
  type CounterRow,
  changedCounters,
  changedMarks,
  type InvoiceRow,
  type MarkRow,
  storedState,
  upsertCounters,
  upsertInvoices,
  upsertMarks,
} from "./member-states.ts";
import type { EffectPlan, EventOutcome } from "./process-event.ts";
import type { EventInput } from "./schemas.ts";

export interface NewEvent {
  id: string;
  input: EventInput;
  outcome: EventOutcome;
}

export interface StoreBatch {
  events: NewEvent[];
  plan: EffectPlan;
  /** `nextExpiry`: when the member's next points expire (the sweep's index), null for none. */
  states: { memberId: string; state: MemberState; nextExpiry: Date | null }[];
  /** Invoice records to write (member-states.ts `changedInvoices`): those the batch created or changed. */
  invoices?: InvoiceRow[];
  /**
   * Counters of past periods to write (member-states.ts `changedCounters`): those the batch moved
   * out of the states or changed. Absent: every such counter the states hold (none loaded).
   */
  counters?: CounterRow[];
  /** Tier marks to write (member-states.ts `changedMarks`): those the batch created or changed. Absent: every mark the states hold. */
  marks?: MarkRow[];
  versionId: string | null;
  source: string;
}

/** Batches at least this large take COPY on PostgreSQL. */
export const COPY_FROM = 2000;
/** Most events per statement on the `statement` path (one JSON parameter each for events and entries). */
const PER_STATEMENT = 2000;

export type StoreStrategy = "statement" | "copy";

export const storeStrategyFor = (tx: Tx, events: number): StoreStrategy => (events >= COPY_FROM && rawClient(tx) ? "copy" : "statement");

export async function storeEvents(tx: Tx, ctx: Ctx, batch: StoreBatch, strategy = storeStrategyFor(tx, batch.events.length)) {
  const { plan } = batch;
  await resolveReversals(tx, ctx, plan.entries);
  if (strategy === "copy") await storeByCopy(tx, ctx, batch);
  else await storeByStatement(tx, ctx, batch);
  if (plan.coupons.length > 0) {
    for (let i = 0; i < plan.coupons.length; i += 2000) await tx.insert(issuedCoupons).values(plan.coupons.slice(i, i + 2000));
  }
  for (const write of plan.sideWrites) await write(tx);
  // Tier changes with their reason (SPEC 7: the ledger's record of tiers at events; apps show the tier as of now).
  for (let i = 0; i < plan.tierChanges.length; i += 2000)
    await audit(
      tx,
      ctx,
      ...plan.tierChanges.slice(i, i + 2000).map((c) => ({
        action: "member.tier_changed",
        targetType: "member",
        targetId: c.memberId,
        details: { event: c.eventId, at: c.at, tier: c.tier, from: c.from, value: c.value },
      })),
    );
}

const eventRow = (e: NewEvent) => ({
  id: e.id,
  external_id: e.input.id,
  type: e.input.type,
  at: e.input.at,
  member_id: e.input.member,
  payload: e.input,
  outcome: e.outcome,
});

const insertEvents = (ctx: Ctx, batch: StoreBatch, events: NewEvent[]) =>
  sql`insert into events (id, practice_id, external_id, type, at, member_id, payload, outcome, rule_set_version_id, source)
      select x.id, ${ctx.practiceId}::uuid, x.external_id, x.type, x.at, x.member_id, x.payload, x.outcome, ${batch.versionId}::uuid, ${batch.source}
      from jsonb_to_recordset(${jsonRows(events.map(eventRow))}) as x(id uuid, external_id text, type text, at timestamptz, member_id uuid, payload jsonb, outcome jsonb)`;

const upsertStates = (ctx: Ctx, states: StoreBatch["states"]) =>
  sql`insert into member_engine_states (member_id, practice_id, state, next_expiry_at)
      select x.member_id, ${ctx.practiceId}::uuid, x.state, x.next_expiry_at
      from jsonb_to_recordset(${jsonRows(
        states.map((s) => ({ member_id: s.memberId, state: storedState(s.state), next_expiry_at: s.nextExpiry?.toISOString() ?? null })),
      )}) as x(member_id uuid, state jsonb, next_expiry_at timestamptz)
      on conflict (practice_id, member_id) do update set state = excluded.state, next_expiry_at = excluded.next_expiry_at, updated_at = now()`;

async function storeByStatement(tx: Tx, ctx: Ctx, batch: StoreBatch) {
  const { events, plan, states } = batch;
  const invoices = batch.invoices ?? [];
  const counters = batch.counters ?? changedCounters(states, new Map());
  const marks = batch.marks ?? changedMarks(states, new Map());
  if (events.length === 0) {
    // Expirations booked by the sweep (expire-due.ts): entries of no event, balances and states.
    await tx.execute(
      sql`with ${plan.entries.length > 0 ? sql`${ledgerWrites(ctx, plan.entries)},` : sql``}
               ${invoices.length > 0 ? sql`inv as (${upsertInvoices(ctx, invoices)}),` : sql``}
               ${counters.length > 0 ? sql`cnt as (${upsertCounters(ctx, counters)}),` : sql``}
               ${marks.length > 0 ? sql`mk as (${upsertMarks(ctx, marks)}),` : sql``}
               st as (${states.length > 0 ? upsertStates(ctx, states) : sql`select 1`})
          select 1`,
    );
    return;
  }
  for (let i = 0; i < events.length; i += PER_STATEMENT) {
    const chunk = events.slice(i, i + PER_STATEMENT);
    const ids = new Set(chunk.map((e) => e.id));
    const entries = plan.entries.filter((e) => ids.has(e.eventId!));
    const last = i + PER_STATEMENT >= events.length;
    // Events, their entries and balances, and (with the last chunk) the engine states: one statement.
    await tx.execute(
      sql`with ev as (${insertEvents(ctx, batch, chunk)}),
               ${entries.length > 0 ? sql`${ledgerWrites(ctx, entries)},` : sql``}
               ${last && invoices.length > 0 ? sql`inv as (${upsertInvoices(ctx, invoices)}),` : sql``}
               ${last && counters.length > 0 ? sql`cnt as (${upsertCounters(ctx, counters)}),` : sql``}
               ${last && marks.length > 0 ? sql`mk as (${upsertMarks(ctx, marks)}),` : sql``}
               st as (${last && states.length > 0 ? upsertStates(ctx, states) : sql`select 1`})
          select 1`,
    );
  }
}

async function storeByCopy(tx: Tx, ctx: Ctx, batch: StoreBatch) {
  const pg = rawClient(tx)!;
  const P = ctx.practiceId;
  const version = copyText(batch.versionId);
  const source = copyText(batch.source);
  await copyIn(
    pg,
    "copy events (id, practice_id, external_id, type, at, member_id, payload, outcome, rule_set_version_id, source) from stdin",
    (function* () {
      for (let i = 0; i < batch.events.length; i += 2000) {
        let out = "";
        for (const e of batch.events.slice(i, i + 2000))
          out += `${e.id}\t${P}\t${copyText(e.input.id)}\t${copyText(e.input.type)}\t${e.input.at}\t${e.input.member}\t${copyText(JSON.stringify(e.input))}\t${copyText(JSON.stringify(e.outcome))}\t${version}\t${source}\n`;
        yield out;
      }
    })(),
  );
  await copyEntries(pg, tx, ctx, batch.plan.entries);
  for (let i = 0; i < batch.states.length; i += 1000) await tx.execute(upsertStates(ctx, batch.states.slice(i, i + 1000)));
  const invoices = batch.invoices ?? [];
  for (let i = 0; i < invoices.length; i += 2000) await tx.execute(upsertInvoices(ctx, invoices.slice(i, i + 2000)));
  const counters = batch.counters ?? changedCounters(batch.states, new Map());
  for (let i = 0; i < counters.length; i += 2000) await tx.execute(upsertCounters(ctx, counters.slice(i, i + 2000)));
  const marks = batch.marks ?? changedMarks(batch.states, new Map());
  for (let i = 0; i < marks.length; i += 2000) await tx.execute(upsertMarks(ctx, marks.slice(i, i + 2000)));
}
