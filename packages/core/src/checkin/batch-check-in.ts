// Kiosk check-ins under load: group commit. Check-ins arriving together (per practice and kiosk)
// queue up and run in one transaction with set-based statements: identification (lock states and
// the member by card or QR code) in one query, the pipeline setup once, every visit event through
// the engine in one `processMemberEvents` (the same effects as processEvent one by one; a member
// checking in twice is processed in arrival order), check_ins and audit rows in one statement, and
// the welcome data for all of them in one query. At most two such transactions run per kiosk while
// the next batch fills. Anything unusual (unknown card, earlier failed attempts to clear, a batch
// whose transaction fails) goes through the single path, item by item, so one bad check-in never
// fails the others.

import { randomUUID } from "node:crypto";
import { type Db, runsOneAtATime, type Tx } from "@tally/db";
import { applyEvent } from "@tally/rules";
import { sql } from "drizzle-orm";
import { identifyAtKiosk, type KioskIdentifyInput, kioskPersonSubject } from "../auth/kiosk-identify.ts";
import { readMemberQrToken } from "../auth/tokens.ts";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { processMemberEvents } from "../events/batch.ts";
import { type Effect, freshMemberState, type MemberState } from "../events/engine.ts";
import { planEffects, toEngineEvent } from "../events/process-event.ts";
import { loadSetup } from "../events/program.ts";
import type { EventInput } from "../events/schemas.ts";
import { entryRow } from "../ledger/append.ts";
import { authorize } from "../permissions.ts";
import { jsonRows, query } from "../sql.ts";
import { type KioskCheckInResult, kioskCheckIn } from "./kiosk-check-in.ts";
import { type InstantReward, instantRuleNames, type MilestoneProgress, milestonesOf } from "./kiosk-welcome.ts";

export interface KioskVisitOptions {
  qrSecret: string;
  /** The time of the check-in (and of the lockout checks); now when not given. */
  now?: Date;
}

export type KioskVisitResult =
  | { status: "checked_in"; memberId: string; method: "card" | "qr" | "phone"; welcome: KioskCheckInResult }
  | { status: "not_found" }
  /** Locked out, or several people share the phone; `lockedNow` when this attempt started the lockout. */
  | { status: "see_front_desk"; reason: "locked" | "ambiguous"; lockedNow?: boolean };

/** The single path: identification, then the check-in in its own transaction. */
export async function kioskVisit(ctx: Ctx, input: KioskIdentifyInput, options: KioskVisitOptions): Promise<KioskVisitResult> {
  const found = await identifyAtKiosk(ctx, input, options);
  if (found.status !== "found") return found;
  const welcome = await kioskCheckIn({ ctx, input: { memberId: found.memberId, method: found.method, at: options.now } });
  return { status: "checked_in", memberId: found.memberId, method: found.method, welcome };
}

/** One check-in waiting for its batch. `memberId` is set when the patient is identified already (phone). */
export interface BatchItem {
  input: KioskIdentifyInput;
  at: Date;
  qrSecret: string;
  memberId?: string;
}

interface Found {
  i: number;
  id: string | null;
  status: "member" | "lead" | null;
  first_name: string | null;
  last_name: string | null;
  locked: boolean;
  failures: boolean;
}

/** A check-in the batch takes: the member found, and the visit event when the member earns (not a lead). */
interface Visit {
  i: number;
  member: Found & { id: string };
  visitId: string;
  event: EventInput | null;
}

interface Welcomed {
  i: number;
  balance: number | null;
  state: unknown;
  points?: number | string | null;
  coupons: unknown;
  survey: boolean | string;
}

const parsed = <T>(value: unknown): T => (typeof value === "string" ? (JSON.parse(value) as T) : (value as T));
const truthy = (value: unknown) => value === true || value === "t" || value === "true";

/** The welcome rows of these visits: balance and state as stored now, active instant-reward
 * coupons (with their catalog titles) at each visit's time, whether a survey is offered, and with
 * `eventIds` the points each visit's event awarded the member. */
function welcomeQuery(
  tx: Tx,
  practiceId: string,
  instants: string[],
  rows: { i: number; member_id: string; event_id: string | null; at: string }[],
  withPoints: boolean,
) {
  const points = withPoints
    ? sql`(select coalesce(sum((a->>'points')::int), 0) from events e, jsonb_array_elements(e.outcome->'awards') a
            where e.id = x.event_id and a->>'member' = x.member_id::text) as points,`
    : sql``;
  return query<Welcomed>(
    tx,
    sql`with x as (select * from jsonb_to_recordset(${jsonRows(rows)}) as x(i int, member_id uuid, event_id uuid, at timestamptz)),
             names as (select jsonb_array_elements_text(${JSON.stringify(instants)}::jsonb) as name)
        select x.i, b.balance, s.state, ${points}
               exists (select 1 from survey_questions q where q.practice_id = ${practiceId}::uuid and q.active) as survey,
               (select json_agg(json_build_array(c.coupon, c.rule_name, c.expires_at,
                         (select r.name from rewards r where r.practice_id = c.practice_id and r.deleted_at is null and r.coupon_code = c.coupon limit 1))
                       order by c.expires_at)
                  from issued_coupons c
                 where c.member_id = x.member_id and c.practice_id = ${practiceId}::uuid and c.status = 'active'
                   and c.rule_name in (select name from names) and (c.expires_at is null or c.expires_at > x.at)) as coupons
        from x
        left join member_balances b on b.member_id = x.member_id
        left join member_engine_states s on s.member_id = x.member_id`,
  );
}

interface CheckInRow {
  visit_id: string;
  member_id: string;
  method: string;
  event_id: string;
  at: string;
}

/** The end of a batch's write: a `ci` CTE with one check_ins row per visit, then one audit row per check-in (by a kiosk). */
const visitWrites = (
  practiceId: string,
  device: string,
  checkIns: CheckInRow[],
  audits: { member_id: string; details: Record<string, unknown> }[],
) =>
  sql`ci as (
        insert into check_ins (id, practice_id, member_id, location_id, method, event_id, at)
        select x.visit_id, ${practiceId}::uuid, x.member_id, null, x.method::check_in_method, x.event_id, x.at
        from jsonb_to_recordset(${jsonRows(checkIns)}) as x(visit_id uuid, member_id uuid, method text, event_id uuid, at timestamptz))
      insert into audit_log (practice_id, actor_kind, actor_id, action, target_type, target_id, details)
      select ${practiceId}::uuid, 'kiosk', ${device}, 'checkin.checkIn', 'member', x.member_id, x.details
      from jsonb_to_recordset(${jsonRows(audits)}) as x(member_id text, details jsonb)`;

const instantRewardsOf = (coupons: unknown): InstantReward[] =>
  (parsed<[string, string | null, string | null, string | null][] | null>(coupons) ?? []).map(([coupon, rule, expiresAt, title]) => ({
    coupon,
    title,
    rule,
    expiresAt: expiresAt === null ? null : new Date(expiresAt),
  }));

/**
 * Checks in many kiosk visits of one practice and one actor in one transaction. Answers, per item,
 * its result, or null when the item must take the single path (unknown card or QR code, failed
 * attempts to clear, a member not found after identification by phone). Throws when the
 * transaction fails: the caller then runs every item on the single path.
 *
 * Round trips: identification and the pipeline setup together; the member locks (balances, then
 * engine states, in member order like every writer) with the welcome data; one statement writing
 * events with their outcome, ledger entries, balances, states, check_ins and audit rows. A visit
 * whose effects go beyond points (coupons, phases, requests) takes the general set-based path,
 * `processMemberEvents`, in the same transaction.
 */
export async function kioskVisitBatch(ctx: Ctx, items: BatchItem[]): Promise<(KioskVisitResult | null)[]> {
  if (ctx.actor.kind !== "kiosk") throw new DomainError("FORBIDDEN", "Only a paired kiosk can do this.");
  authorize(ctx, "checkin.checkIn");
  const { practiceId } = ctx;
  const device = ctx.actor.id;
  // Identification: lock states (device and person) and the live member, for every item at once.
  const lookups = items.map((item, i) => {
    if (item.memberId) return { i, subject: null, card: null, member_id: item.memberId, at: item.at.toISOString() };
    const qrMember = item.input.method === "qr" ? readMemberQrToken(item.qrSecret, practiceId, item.input.token) : null;
    return {
      i,
      subject: kioskPersonSubject(practiceId, item.input),
      card: item.input.method === "card" ? item.input.cardNumber.trim() : null,
      member_id: qrMember,
      at: item.at.toISOString(),
    };
  });
  const read = (db: Tx | Ctx["db"]) =>
    Promise.all([
      query<Found>(
        db,
        sql`with x as (select * from jsonb_to_recordset(${jsonRows(lookups)}) as x(i int, subject text, card text, member_id uuid, at timestamptz))
          select x.i, m.id, m.status, m.first_name, m.last_name,
                 x.subject is not null and (coalesce(l.locked_until > x.at, false) or exists (
                   select 1 from auth_lockouts d where d.scope = 'kiosk_device' and d.subject = ${device} and d.locked_until > x.at)) as locked,
                 coalesce(l.failures > 0, false) as failures
          from x
          left join auth_lockouts l on x.subject is not null and l.scope = 'kiosk_subject' and l.subject = x.subject
          left join lateral (
            (select id, status, first_name, last_name from members
              where practice_id = ${practiceId}::uuid and card_number = x.card and status <> 'merged' limit 1)
            union all
            (select id, status, first_name, last_name from members
              where practice_id = ${practiceId}::uuid and id = x.member_id and status <> 'merged')
            limit 1
          ) m on true`,
      ),
      loadSetup(db, practiceId),
    ]);
  return ctx.db.transaction(async (tx) => {
    const [found, setup] = await read(tx);
    const byItem = new Map(found.map((f) => [Number(f.i), f]));

    const results: (KioskVisitResult | null)[] = items.map(() => null);
    const visits: Visit[] = [];
    for (let i = 0; i < items.length; i++) {
      const f = byItem.get(i);
      if (!f) continue;
      if (truthy(f.locked)) {
        results[i] = { status: "see_front_desk", reason: "locked" };
        continue;
      }
      // Unknown (counts a failed attempt) or earlier failures to clear: the single path does it.
      if (!f.id || truthy(f.failures)) continue;
      const visitId = randomUUID();
      const item = items[i]!;
      // A lead (self-registered, not yet converted) earns nothing: the visit is still welcomed.
      const event =
        f.status === "member"
          ? ({
              id: `checkin:${visitId}`,
              type: "visit.checked_in",
              at: item.at.toISOString(),
              member: f.id,
              visit: { method: item.input.method },
            } as EventInput)
          : null;
      visits.push({ i, member: f as Found & { id: string }, visitId, event });
    }
    if (visits.length === 0) return results;

    const instants = [...instantRuleNames(setup.program)];
    const welcomeRows = (eventIds?: Map<string, string>) =>
      visits.map((v) => ({
        i: v.i,
        member_id: v.member.id,
        event_id: v.event ? (eventIds?.get(v.event.id) ?? null) : null,
        at: items[v.i]!.at.toISOString(),
      }));
    const earners = [...new Set(visits.filter((v) => v.event).map((v) => v.member.id))].sort();
    const ids = JSON.stringify(earners);
    // Sent together, run in this order: balances locked in member order, then engine states (the
    // order every writer takes), then the welcome data as it stands under those locks.
    const [balances, states, welcomed] = await Promise.all([
      earners.length === 0
        ? []
        : query<{ member_id: string; balance: number; tags: unknown; birthday: string | null; registered: boolean | string }>(
            tx,
            sql`select b.member_id, b.balance, to_jsonb(m.tags) as tags, m.birthday::text as birthday, m.registered
                from member_balances b join members m on m.id = b.member_id
                where b.practice_id = ${practiceId}::uuid and b.member_id in (select (jsonb_array_elements_text(${ids}::jsonb))::uuid)
                order by b.member_id
                for update of b`,
          ),
      earners.length === 0
        ? []
        : query<{ member_id: string; state: unknown }>(
            tx,
            sql`select member_id, state from member_engine_states
                where practice_id = ${practiceId}::uuid and member_id in (select (jsonb_array_elements_text(${ids}::jsonb))::uuid)
                for update`,
          ),
      welcomeQuery(tx, practiceId, instants, welcomeRows(), false),
    ]);
    const welcomeOf = new Map(welcomed.map((w) => [Number(w.i), w]));
    const surveyAvailable = welcomed.length > 0 && truthy(welcomed[0]!.survey);

    const welcome = (
      v: Visit,
      w: Welcomed,
      done: { eventId: string | null; pointsEarned: number; balance: number; state?: unknown; milestones?: MilestoneProgress[] },
    ) => ({
      status: "checked_in" as const,
      memberId: v.member.id,
      method: items[v.i]!.input.method,
      welcome: {
        firstName: v.member.first_name!,
        lastInitial: v.member.last_name!.slice(0, 1).toUpperCase(),
        // Test mode (or off): patients do not see balances.
        balance: setup.practice.status === "on" ? done.balance : null,
        milestones: done.milestones ?? milestonesOf(setup.program, parsed<MemberState | null>(done.state)),
        instantRewards: instantRewardsOf(w.coupons),
        surveyAvailable,
        eventId: done.eventId,
        pointsEarned: done.pointsEarned,
      },
    });

    // The engine in memory, each member's visits in arrival order (as processMemberEvents does).
    const balanceOf = new Map(balances.map((b) => [b.member_id, Number(b.balance)]));
    const profileOf = new Map(balances.map((b) => [b.member_id, b]));
    const storedState = new Map(states.map((s) => [s.member_id, parsed<MemberState>(s.state)]));
    const engines = new Map<string, { members: Record<string, MemberState>; processed: Record<string, true> }>();
    const planned: { v: Visit; eventId: string; at: Date; effects: Effect[]; milestones: MilestoneProgress[] }[] = [];
    let fast = balanceOf.size === earners.length;
    for (const v of fast ? visits : []) {
      if (!v.event) continue;
      const id = v.member.id;
      let engine = engines.get(id);
      if (!engine) {
        const b = profileOf.get(id)!;
        const profile = { tags: parsed<string[]>(b.tags), birthday: b.birthday, registered: truthy(b.registered) };
        const state = { ...(storedState.get(id) ?? freshMemberState(profile)), ...profile, balance: balanceOf.get(id) ?? 0 };
        engine = { members: { [id]: state }, processed: {} };
        engines.set(id, engine);
      }
      const eventId = randomUUID();
      const effects: Effect[] = [];
      applyEvent(setup.program, engine, toEngineEvent(eventId, v.event), effects);
      // The welcome shows the state right after this visit (a member twice in the batch: in order).
      planned.push({ v, eventId, at: new Date(v.event.at), effects, milestones: milestonesOf(setup.program, engine.members[id]) });
    }
    const plan = planEffects(ctx, planned, setup.versionId, { source: ctx.actor.kind });
    // Only points here; anything else (coupons, phases, requests, reversals) takes the general path.
    if (plan.coupons.length > 0 || plan.sideWrites.length > 0 || plan.entries.some((e) => e.kind === "reversal")) fast = false;
    for (const e of plan.entries)
      if (!Number.isSafeInteger(e.points)) throw new Error(`ledger: points must be an integer, got ${e.points}`);

    const checkIns: CheckInRow[] = [];
    const audits: { member_id: string; details: Record<string, unknown> }[] = [];
    if (fast) {
      const eventOf = new Map(planned.map((p, k) => [p.v.i, { ...p, outcome: plan.outcomes[k]! }]));
      const running = new Map(balanceOf);
      // Points each event moves (visits touch their own member only).
      const movedBy = new Map<string, number>();
      for (const e of plan.entries) if (e.eventId) movedBy.set(e.eventId, (movedBy.get(e.eventId) ?? 0) + e.points);
      for (const v of visits) {
        const w = welcomeOf.get(v.i)!;
        const p = eventOf.get(v.i);
        const method = items[v.i]!.input.method;
        if (!p) {
          audits.push({ member_id: v.member.id, details: { method, eventId: null, pointsEarned: 0 } });
          results[v.i] = welcome(v, w, { eventId: null, pointsEarned: 0, balance: w.balance ?? 0, state: w.state });
          continue;
        }
        const pointsEarned = p.outcome.awards.filter((a) => a.member === v.member.id).reduce((s, a) => s + a.points, 0);
        const moved = movedBy.get(p.eventId) ?? 0;
        const balance = running.get(v.member.id)! + moved;
        running.set(v.member.id, balance);
        checkIns.push({ visit_id: v.visitId, member_id: v.member.id, method, event_id: p.eventId, at: p.at.toISOString() });
        audits.push({ member_id: v.member.id, details: { method, eventId: p.eventId, pointsEarned } });
        results[v.i] = welcome(v, w, { eventId: p.eventId, pointsEarned, balance, milestones: p.milestones });
      }
      const eventRows = planned.map((p, k) => ({
        id: p.eventId,
        external_id: p.v.event!.id,
        type: p.v.event!.type,
        at: p.v.event!.at,
        member_id: p.v.member.id,
        payload: p.v.event,
        outcome: plan.outcomes[k],
      }));
      const entryRows = plan.entries.map(entryRow);
      const stateRows = [...engines].map(([member_id, engine]) => ({ member_id, state: engine.members[member_id] }));
      // Everything in one statement: the events with their outcome, the ledger entries (new keys
      // only) and the cached balances moved by exactly what was inserted, the engine states, one
      // check_ins row per visit and one audit row per check-in.
      await tx.execute(
        sql`with ev as (
              insert into events (id, practice_id, external_id, type, at, member_id, payload, outcome, rule_set_version_id, source)
              select x.id, ${practiceId}::uuid, x.external_id, x.type, x.at, x.member_id, x.payload, x.outcome, ${setup.versionId}::uuid, ${ctx.actor.kind}
              from jsonb_to_recordset(${jsonRows(eventRows)}) as x(id uuid, external_id text, type text, at timestamptz, member_id uuid, payload jsonb, outcome jsonb)),
            le as (
              insert into ledger_entries (id, practice_id, member_id, kind, points, idempotency_key, at, rule_name, rule_set_version_id, event_id,
                                          explanation, note, order_id, actor_kind, actor_id)
              select coalesce(x.id, gen_random_uuid()), ${practiceId}::uuid, x.member_id, x.kind, x.points, x.idempotency_key, x.at, x.rule_name,
                     x.rule_set_version_id, x.event_id, x.explanation, x.note, x.order_id, ${ctx.actor.kind}, ${device}
              from jsonb_to_recordset(${jsonRows(entryRows)}) as x(id uuid, member_id uuid, kind ledger_entry_kind, points integer, idempotency_key text,
                   at timestamptz, rule_name text, rule_set_version_id uuid, event_id uuid, explanation jsonb, note text, order_id uuid)
              on conflict (practice_id, idempotency_key) do nothing
              returning member_id, points),
            bal as (
              update member_balances b set balance = b.balance + d.delta, updated_at = now()
              from (select member_id, sum(points)::int as delta from le group by member_id) d
              where b.member_id = d.member_id),
            st as (
              insert into member_engine_states (member_id, practice_id, state)
              select x.member_id, ${practiceId}::uuid, x.state from jsonb_to_recordset(${jsonRows(stateRows)}) as x(member_id uuid, state jsonb)
              on conflict (member_id) do update set state = excluded.state, updated_at = now()),
            ${visitWrites(practiceId, device, checkIns, audits)}`,
      );
      return results;
    }

    // The general path: the set-based pipeline, then the welcome data read back. It shows each
    // member's state after the batch, so a member's second visit in this batch waits for the single
    // path (after this transaction), where it is welcomed with the state after that visit.
    const perMember = new Map<string, EventInput[]>();
    const first = visits.filter((v) => {
      if (!v.event) return true;
      if (perMember.has(v.member.id)) return false;
      perMember.set(v.member.id, [v.event]);
      return true;
    });
    visits.splice(0, visits.length, ...first);
    const eventIds =
      perMember.size > 0 ? (await processMemberEvents(tx, ctx, setup, [...perMember], ctx.actor.kind)).eventIds : new Map<string, string>();
    const after = new Map((await welcomeQuery(tx, practiceId, instants, welcomeRows(eventIds), true)).map((w) => [Number(w.i), w]));
    for (const v of visits) {
      const w = after.get(v.i)!;
      const eventId = v.event ? (eventIds.get(v.event.id) ?? null) : null;
      const pointsEarned = eventId ? Number(w.points ?? 0) : 0;
      const method = items[v.i]!.input.method;
      if (eventId)
        checkIns.push({ visit_id: v.visitId, member_id: v.member.id, method, event_id: eventId, at: items[v.i]!.at.toISOString() });
      audits.push({ member_id: v.member.id, details: { method, eventId, pointsEarned } });
      results[v.i] = welcome(v, w, { eventId, pointsEarned, balance: w.balance ?? 0, state: w.state });
    }
    await tx.execute(sql`with ${visitWrites(practiceId, device, checkIns, audits)}`);
    return results;
  });
}

/** The member's check-in alone, after the batch could not take it. */
function single(ctx: Ctx, item: BatchItem): Promise<KioskVisitResult> {
  if (!item.memberId) return kioskVisit(ctx, item.input, { qrSecret: item.qrSecret, now: item.at });
  const memberId = item.memberId;
  const method = item.input.method;
  return kioskCheckIn({ ctx, input: { memberId, method, at: item.at } }).then((welcome) => ({
    status: "checked_in" as const,
    memberId,
    method,
    welcome,
  }));
}

interface Waiting extends BatchItem {
  ctx: Ctx;
  resolve: (r: KioskVisitResult) => void;
  reject: (e: unknown) => void;
}

interface Queue {
  items: Waiting[];
  running: number;
}

/** Most check-ins per transaction, and transactions in flight per practice and kiosk. */
export const BATCH_LIMITS = { size: 64, inFlight: 2 };

/**
 * The check-in queues of one database, one per practice and kiosk. A check-in starts a batch
 * right away when fewer than `inFlight` are running; otherwise it waits for the next one.
 */
export class KioskCheckInBatcher {
  private readonly queues = new Map<string, Queue>();

  /**
   * @param inFlight transactions at once per queue. On one connection (PGlite) that is one: a
   * second would only wait for the connection, and the check-ins arriving meanwhile would start
   * batches of one instead of joining the next batch.
   */
  private readonly inFlight: number;
  constructor(inFlight = BATCH_LIMITS.inFlight) {
    this.inFlight = inFlight;
  }

  /** Identifies the patient and checks them in, together with the check-ins arriving meanwhile. */
  async checkIn(ctx: Ctx, input: KioskIdentifyInput, options: KioskVisitOptions): Promise<KioskVisitResult> {
    if (ctx.actor.kind !== "kiosk") throw new DomainError("FORBIDDEN", "Only a paired kiosk can do this.");
    authorize(ctx, "checkin.checkIn");
    const at = options.now ?? new Date();
    let memberId: string | undefined;
    if (input.method === "phone") {
      // Phone and birth date (a shared family phone, the same answer for a wrong date): identified
      // on its own, then checked in with the batch.
      const found = await identifyAtKiosk(ctx, input, { qrSecret: options.qrSecret, now: at });
      if (found.status !== "found") return found;
      memberId = found.memberId;
    }
    return new Promise((resolve, reject) => {
      const key = `${ctx.practiceId}\u0000${ctx.actor.kind}\u0000${ctx.actor.id}`;
      let queue = this.queues.get(key);
      if (!queue) {
        queue = { items: [], running: 0 };
        this.queues.set(key, queue);
      }
      queue.items.push({ ctx, input, at, qrSecret: options.qrSecret, memberId, resolve, reject });
      this.pump(key, queue);
    });
  }

  private pump(key: string, queue: Queue) {
    while (queue.running < this.inFlight && queue.items.length > 0) {
      const batch = queue.items.splice(0, BATCH_LIMITS.size);
      queue.running++;
      void this.run(batch).finally(() => {
        queue.running--;
        if (queue.items.length > 0) this.pump(key, queue);
        else if (queue.running === 0) this.queues.delete(key);
      });
    }
  }

  private async run(batch: Waiting[]) {
    let results: (KioskVisitResult | null)[];
    // One turn of the event loop first, so the requests already read join this batch. On PGlite
    // (whose queries run on this thread) a batch started at once ran before the loop read the
    // next request: every batch held one check-in (about 100 a second against 1,000 now).
    await new Promise((r) => setImmediate(r));
    try {
      results = await kioskVisitBatch(batch[0]!.ctx, batch);
    } catch {
      // One bad check-in must not fail the others: each goes alone, and only its own fails.
      results = batch.map(() => null);
    }
    await Promise.all(
      batch.map(async (item, i) => {
        const result = results[i];
        if (result) return item.resolve(result);
        try {
          item.resolve(await single(item.ctx, item));
        } catch (err) {
          item.reject(err);
        }
      }),
    );
  }
}

const batchers = new WeakMap<Db, KioskCheckInBatcher>();

/** The batcher of this database (created on first use). */
export function kioskCheckInBatcher(db: Db | Tx): KioskCheckInBatcher {
  let batcher = batchers.get(db as Db);
  if (!batcher) {
    batcher = new KioskCheckInBatcher(runsOneAtATime(db) ? 1 : BATCH_LIMITS.inFlight);
    batchers.set(db as Db, batcher);
  }
  return batcher;
}

/** A kiosk check-in through the batcher of the context's database. */
export function kioskCheckInBatched(ctx: Ctx, input: KioskIdentifyInput, options: KioskVisitOptions): Promise<KioskVisitResult> {
  return kioskCheckInBatcher(ctx.db).checkIn(ctx, input, options);
}
