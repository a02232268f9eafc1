// Kiosk check-ins under load: group commit. Check-ins arriving together (per practice and kiosk)
// queue up and run in one transaction: identification for all of them (auth's identifyMany), the
// visits through the one write pipeline in one call (recordVisits → recordEvents), the welcome
// data in one query and the audit rows in one insert. This file queues and calls; it holds no SQL.
// At most two such transactions run per kiosk while the next batch fills. Anything unusual
// (unknown card, earlier failed attempts to clear, a batch whose transaction fails) goes through
// the single path, item by item, so one bad check-in never fails the others.

import { type Db, runsOneAtATime, type Tx } from "@tally/db";
import { balanceForPatient, pointsGiven } from "@tally/rules";
import { type Identified, type IdentifyItem, identifyMany } from "../auth/identify-many.ts";
import { identifyAtKiosk, type KioskIdentifyInput, type VisitMethod, visitMethodOf } from "../auth/kiosk-identify.ts";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { cachedSetup } from "../events/program.ts";
import type { MemberStanding } from "../members/member-overview.ts";
import { authorize } from "../permissions.ts";
import { audit } from "../verb.ts";
import { recordVisits } from "./check-in.ts";
import { type KioskCheckInResult, kioskCheckIn } from "./kiosk-check-in.ts";
import { type MilestoneProgress, milestonesOf, patientStanding, welcomeExtras } from "./kiosk-welcome.ts";

export interface KioskVisitOptions {
  qrSecret: string;
  /** The time of the check-in (and of the lockout checks); now when not given. */
  now?: Date;
}

export type KioskVisitResult =
  | { status: "checked_in"; memberId: string; method: VisitMethod; welcome: KioskCheckInResult }
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
export type BatchItem = IdentifyItem;

/**
 * Checks in many kiosk visits of one practice and one kiosk in one transaction: identification
 * (auth's identifyMany), the visits through the pipeline (recordVisits: one event each, one
 * recordEvents call), the welcome data, one audit row per check-in. Answers, per item, its result,
 * or null when the item must take the single path (unknown card or QR code, failed attempts to
 * clear). Throws
 * when the transaction fails: the caller then runs every item on the single path.
 */
export async function kioskVisitBatch(ctx: Ctx, items: BatchItem[]): Promise<(KioskVisitResult | null)[]> {
  if (ctx.actor.kind !== "kiosk") throw new DomainError("FORBIDDEN", "Only a paired kiosk can do this.");
  authorize(ctx, "checkin.checkIn");
  const setup = await cachedSetup(ctx.db, ctx.practiceId);
  return ctx.db.transaction(async (tx) => {
    const identified = await identifyMany(tx, ctx, items);
    const results: (KioskVisitResult | null)[] = items.map(() => null);
    const taken: { i: number; member: Extract<Identified, { status: "found" }> }[] = [];
    identified.forEach((found, i) => {
      if (found.status === "locked") results[i] = { status: "see_front_desk", reason: "locked" };
      else if (found.status === "found") taken.push({ i, member: found });
    });
    if (taken.length === 0) return results;

    // A lead (self-registered, not yet converted) earns nothing: the visit is still welcomed. A
    // member twice in the batch: the visits run in arrival order, each shown the state after it.
    const earners = taken.filter((t) => !t.member.lead);
    const shown = new Map<number, { balance: number; milestones: MilestoneProgress[]; standing: MemberStanding | null }>();
    const recorded = await recordVisits(
      tx,
      ctx,
      earners.map((t) => ({ memberId: t.member.memberId, method: visitMethodOf(items[t.i]!.input), at: items[t.i]!.at })),
      {
        setup,
        members: new Map(earners.map((t) => [t.member.memberId, t.member.member])),
        // What this visit's screen shows: the state right after it (a member twice in the batch
        // sees each visit's own).
        afterEach: (k, states) => {
          const state = states[earners[k]!.member.memberId]!;
          shown.set(earners[k]!.i, {
            balance: state.balance,
            milestones: milestonesOf(setup.program, state),
            standing: patientStanding(setup, state, state.balance, items[earners[k]!.i]!.at),
          });
        },
      },
    );
    const eventOf = new Map(earners.map((t, k) => [t.i, recorded[k]!.outcome]));
    const audits = taken.map((t) => {
      const outcome = eventOf.get(t.i);
      return {
        action: "checkin.checkIn",
        targetType: "member",
        targetId: t.member.memberId,
        details: {
          method: visitMethodOf(items[t.i]!.input),
          eventId: outcome?.eventId ?? null,
          pointsEarned: outcome ? pointsGiven(outcome, t.member.memberId) : 0,
        },
      };
    });
    // Sent together: the welcome data as it stands after the batch, and the audit rows.
    const [extras] = await Promise.all([
      welcomeExtras(
        tx,
        ctx,
        setup.program,
        taken.map((t) => ({ memberId: t.member.memberId, at: items[t.i]!.at })),
        setup.practice.timezone,
      ),
      audit(tx, ctx, ...audits),
    ]);
    taken.forEach((t, k) => {
      const outcome = eventOf.get(t.i);
      const extra = extras[k]!;
      const after = shown.get(t.i);
      results[t.i] = {
        status: "checked_in",
        memberId: t.member.memberId,
        method: visitMethodOf(items[t.i]!.input),
        welcome: {
          firstName: t.member.firstName,
          lastInitial: t.member.lastName.slice(0, 1).toUpperCase(),
          balance: balanceForPatient(setup.practice.status, after?.balance ?? extra.balance ?? 0),
          milestones: after?.milestones ?? milestonesOf(setup.program, extra.state),
          instantRewards: extra.instantRewards,
          surveyAvailable: extra.surveyAvailable,
          checkedInEarlierToday: extra.checkedInEarlierToday,
          standing: after ? after.standing : patientStanding(setup, extra.state, extra.balance ?? 0, items[t.i]!.at),
          eventId: outcome?.eventId ?? null,
          pointsEarned: outcome ? pointsGiven(outcome, t.member.memberId) : 0,
        },
      };
    });
    return results;
  });
}

/** The member's check-in alone, after the batch could not take it. */
function single(ctx: Ctx, item: BatchItem): Promise<KioskVisitResult> {
  if (!item.memberId) return kioskVisit(ctx, item.input, { qrSecret: item.qrSecret, now: item.at });
  const memberId = item.memberId;
  const method = visitMethodOf(item.input);
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
    if (input.method === "phone" || input.method === "code") {
      // Phone and birth date (a shared family phone, the same answer for a wrong date), or a
      // check-in code (used up as it is read): identified on its own, then checked in with the batch.
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
