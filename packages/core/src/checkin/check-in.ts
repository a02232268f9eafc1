// Check-in at the kiosk or the front desk: finds the member (card, QR, phone + date of birth, or
// staff choosing them), records the visit, runs `visit.checked_in`, and returns what the kiosk's
// result screen shows.
import { randomUUID } from "node:crypto";
import { issuedCoupons, memberBalances, memberEngineStates, members, type Tx } from "@tally/db";
import { balanceForPatient, milestonesOf, pointsGiven } from "@tally/rules";
import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { couponName, couponNames } from "../catalog/coupon-names.ts";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import type { MemberState } from "../events/engine.ts";
import { loadSetup, type PipelineSetup } from "../events/program.ts";
import { type RecordedEvent, type RecordOptions, recordEvents } from "../events/record-events.ts";
import { findMember, type MemberRow, normalizeCardNumber, normalizePhone } from "../members/shared.ts";
import { authorize } from "../permissions.ts";
import { calendarDate, text } from "../schemas.ts";
import { jsonRows } from "../sql.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";

export const checkInInput = z.discriminatedUnion("method", [
  z.object({ method: z.literal("card"), card: z.string().min(1).max(200), locationId: z.uuid().optional() }),
  /** The member's QR code from the portal: `tally:member:<id>` or their card number. */
  z.object({ method: z.literal("qr"), code: z.string().min(1).max(300), locationId: z.uuid().optional() }),
  z.object({ method: z.literal("phone"), phone: text().min(4).max(40), birthday: calendarDate(), locationId: z.uuid().optional() }),
  z.object({ method: z.literal("staff"), memberId: z.uuid(), locationId: z.uuid().optional() }),
]);

async function resolveMember(tx: Tx, ctx: Ctx, input: z.output<typeof checkInInput>): Promise<MemberRow> {
  const active = and(eq(members.practiceId, ctx.practiceId), eq(members.status, "member"));
  const notFound = () => new DomainError("NOT_FOUND", "We could not find you. Please see the front desk.");
  if (input.method === "staff") {
    if (ctx.actor.kind !== "staff" && ctx.actor.kind !== "system")
      throw new DomainError("FORBIDDEN", "Only staff can check a member in by name.");
    return findMember(tx, ctx, input.memberId);
  }
  if (input.method === "phone") {
    const rows = await tx
      .select()
      .from(members)
      .where(and(active, eq(members.phone, normalizePhone(input.phone)!), eq(members.birthday, input.birthday)));
    if (rows.length !== 1) throw notFound();
    return rows[0]!;
  }
  const raw = input.method === "card" ? input.card : input.code;
  const byId = /^tally:member:([0-9a-f-]{36})$/i.exec(raw.trim());
  const where = byId ? and(active, eq(members.id, byId[1]!)) : and(active, eq(members.cardNumber, normalizeCardNumber(raw)));
  const [m] = await tx.select().from(members).where(where);
  if (!m) throw notFound();
  return m;
}

/** Progress toward each milestone, from the member's engine state. */
export interface Visit {
  memberId: string;
  method: "card" | "qr" | "phone" | "staff";
  at: Date;
  locationId?: string;
}

/** Visits: each a `visit.checked_in` event through the pipeline (points, instant-reward windows)
 * and a row in check_ins (the profile's Visits tab), whoever checked the patient in. */
export async function recordVisits(
  tx: Tx,
  ctx: Ctx,
  visits: Visit[],
  options: Pick<RecordOptions, "setup" | "members" | "afterEach"> = {},
): Promise<{ visitId: string; outcome: RecordedEvent }[]> {
  const ids = visits.map(() => randomUUID());
  const recorded = await recordEvents(
    tx,
    ctx,
    visits.map((v, i) => ({
      id: `checkin:${ids[i]}`,
      type: "visit.checked_in",
      at: v.at.toISOString(),
      member: v.memberId,
      visit: { method: v.method },
    })),
    // Visit ids are random: nothing can be recorded under them yet.
    { ...options, source: ctx.actor.kind, fresh: true },
  );
  const rows = visits.map((v, i) => ({
    id: ids[i]!,
    member_id: v.memberId,
    location_id: v.locationId ?? null,
    method: v.method,
    event_id: recorded[i]!.eventId,
    at: v.at.toISOString(),
  }));
  await tx.execute(
    sql`insert into check_ins (id, practice_id, member_id, location_id, method, event_id, at)
        select x.id, ${ctx.practiceId}::uuid, x.member_id, x.location_id, x.method::check_in_method, x.event_id, x.at
        from jsonb_to_recordset(${jsonRows(rows)}) as x(id uuid, member_id uuid, location_id uuid, method text, event_id uuid, at timestamptz)`,
  );
  return visits.map((_, i) => ({ visitId: ids[i]!, outcome: recorded[i]! }));
}

/** One visit (the desk, a kiosk check-in on its own). */
export async function recordVisit(
  tx: Tx,
  ctx: Ctx,
  visit: { member: MemberRow; method: Visit["method"]; at: Date; locationId?: string; setup?: PipelineSetup },
) {
  const [done] = await recordVisits(
    tx,
    ctx,
    [{ memberId: visit.member.id, method: visit.method, at: visit.at, locationId: visit.locationId }],
    {
      setup: visit.setup,
      members: new Map([[visit.member.id, visit.member]]),
    },
  );
  return done!;
}

export async function checkIn({ ctx, input }: { ctx: Ctx; input: Input<typeof checkInInput> }) {
  authorize(ctx, "checkin.checkIn");
  const data = parseInput(checkInInput, input);
  return inTx(ctx, async (tx) => {
    const member = await resolveMember(tx, ctx, data);
    const setup = await loadSetup(tx, ctx.practiceId);
    const now = new Date();
    const { visitId, outcome } = await recordVisit(tx, ctx, {
      member,
      method: data.method,
      at: now,
      locationId: data.locationId,
      setup,
    });
    const [balance] = await tx
      .select({ balance: memberBalances.balance })
      .from(memberBalances)
      .where(eq(memberBalances.memberId, member.id));
    const [state] = await tx
      .select({ state: memberEngineStates.state })
      .from(memberEngineStates)
      .where(eq(memberEngineStates.memberId, member.id));
    const instantNames = setup.program.instants.map((i) => i.name);
    const unlocked =
      instantNames.length === 0
        ? []
        : await tx
            .select()
            .from(issuedCoupons)
            .where(
              and(
                eq(issuedCoupons.memberId, member.id),
                eq(issuedCoupons.practiceId, ctx.practiceId),
                eq(issuedCoupons.status, "active"),
                inArray(issuedCoupons.ruleName, instantNames),
                gt(issuedCoupons.expiresAt, now),
              ),
            );
    await audit(tx, ctx, {
      action: "checkin.checkIn",
      targetType: "member",
      targetId: member.id,
      details: { method: data.method, visitId },
    });
    const patientFacing = ctx.actor.kind === "kiosk" || ctx.actor.kind === "member";
    const names = await couponNames(
      tx,
      ctx.practiceId,
      unlocked.map((c) => c.coupon),
    );
    return {
      visitId,
      memberId: member.id,
      displayName: `${member.firstName} ${member.lastName.slice(0, 1)}.`,
      pointsEarned: pointsGiven(outcome, member.id),
      // Patients see what the program status lets them (patientVisibility); staff see everything.
      balance: patientFacing ? balanceForPatient(setup.practice.status, balance?.balance ?? 0) : (balance?.balance ?? 0),
      milestones: milestonesOf(setup.program, state?.state as MemberState | undefined),
      // `name` is the coupon as people read it (the catalog's name), `coupon` its code.
      unlockedCoupons: unlocked.map((c) => ({
        id: c.id,
        coupon: c.coupon,
        name: couponName(c.coupon, names),
        rule: c.ruleName,
        expiresAt: c.expiresAt,
      })),
    };
  });
}
