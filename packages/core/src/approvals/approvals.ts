// Manual rewards: a member completes a prompt in the portal (`action.completed` records a pending
// request), staff approve or reject it in the approvals queue (`action.approved` / `action.rejected`
// through the engine, which awards the oldest pending request of that member for that rule).
import { randomUUID } from "node:crypto";
import { actionRequests, members, staffUsers } from "@tally/db";
import { pointsGiven } from "@tally/rules";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { couponName, couponNames } from "../catalog/coupon-names.ts";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { processEvent } from "../events/process-event.ts";
import { loadSetup } from "../events/program.ts";
import { throwIfRejected } from "../events/rejections.ts";
import { localized } from "../i18n/locale.ts";
import { translationsOf } from "../i18n/translations.ts";
import { findMember } from "../members/shared.ts";
import { assertSelf, authorize } from "../permissions.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";

/** The manual rewards a member can complete, with their prompts (for the portal's Actions page).
 *  Coupons are named as patients read them (the catalog's names), not by their codes. `name` is
 *  the rule's name (what completeAction takes); `title`, the prompt and the confirmation are in
 *  the caller's locale when translated (translations stored beside the rule set, by rule name). */
export async function listManualRewards({ ctx }: { ctx: Ctx; input?: unknown }) {
  authorize(ctx, "approvals.completeAction");
  const { program } = await loadSetup(ctx.db, ctx.practiceId);
  const manual = [...program.manual.values()];
  const names = await couponNames(
    ctx.db,
    ctx.practiceId,
    manual.flatMap((r) => r.awards.flatMap((a) => a.prize.coupons)),
  );
  const texts = await translationsOf(
    ctx.db,
    ctx.practiceId,
    "rule",
    manual.map((r) => r.name),
  );
  return manual.map((r) => ({
    name: r.name,
    title: localized(r.name, texts.get(r.name), ctx.locale, "name"),
    prompt: r.prompt === null ? null : localized(r.prompt, texts.get(r.name), ctx.locale, "prompt"),
    confirmation: r.confirmation === null ? null : localized(r.confirmation, texts.get(r.name), ctx.locale, "confirmation"),
    points: r.awards.reduce((s, a) => s + a.prize.points, 0),
    coupons: r.awards.flatMap((a) => a.prize.coupons).map((c) => couponName(c, names)),
    limit: r.limit,
  }));
}

export const completeActionInput = z.object({
  memberId: z.uuid(),
  rule: z.string().min(1).max(200),
  response: z.string().trim().max(2000).default(""),
});

export async function completeAction({ ctx, input }: { ctx: Ctx; input: Input<typeof completeActionInput> }) {
  authorize(ctx, "approvals.completeAction");
  const data = parseInput(completeActionInput, input);
  assertSelf(ctx, data.memberId);
  return inTx(ctx, async (tx) => {
    const setup = await loadSetup(tx, ctx.practiceId);
    const rule = setup.program.manual.get(data.rule);
    if (!rule) throw notFound("Manual reward");
    const result = await processEvent(
      tx,
      ctx,
      {
        id: `action:${randomUUID()}`,
        type: "action.completed",
        at: new Date().toISOString(),
        member: data.memberId,
        action: { name: data.rule, response: data.response },
      },
      { setup },
    );
    throwIfRejected(result);
    const request = result.pending[0];
    await audit(tx, ctx, {
      action: "approvals.completeAction",
      targetType: "action_request",
      targetId: request?.requestId,
      details: { rule: data.rule },
    });
    const texts = (await translationsOf(tx, ctx.practiceId, "rule", [rule.name])).get(rule.name);
    return {
      requestId: request?.requestId ?? null,
      status: "pending" as const,
      confirmation: rule.confirmation === null ? null : localized(rule.confirmation, texts, ctx.locale, "confirmation"),
    };
  });
}

export const listApprovalsInput = z.object({
  status: z.enum(["pending", "approved", "rejected"]).default("pending"),
  limit: z.number().int().min(1).max(500).default(100),
});

export async function listApprovals({ ctx, input }: { ctx: Ctx; input?: Input<typeof listApprovalsInput> }) {
  authorize(ctx, "approvals.list");
  const q = parseInput(listApprovalsInput, input ?? {});
  return ctx.db
    .select({
      id: actionRequests.id,
      memberId: actionRequests.memberId,
      firstName: members.firstName,
      lastName: members.lastName,
      rule: actionRequests.ruleName,
      response: actionRequests.response,
      status: actionRequests.status,
      requestedAt: actionRequests.requestedAt,
      decidedAt: actionRequests.decidedAt,
      decidedBy: actionRequests.decidedBy,
    })
    .from(actionRequests)
    .innerJoin(members, and(eq(members.practiceId, actionRequests.practiceId), eq(members.id, actionRequests.memberId)))
    .where(and(eq(actionRequests.practiceId, ctx.practiceId), eq(actionRequests.status, q.status)))
    .orderBy(asc(actionRequests.requestedAt))
    .limit(q.limit);
}

export const decideApprovalInput = z.object({ requestId: z.uuid(), decision: z.enum(["approve", "reject"]) });

export async function decideApproval({ ctx, input }: { ctx: Ctx; input: Input<typeof decideApprovalInput> }) {
  authorize(ctx, "approvals.decide");
  const { requestId, decision } = parseInput(decideApprovalInput, input);
  return inTx(ctx, async (tx) => {
    const [req] = await tx
      .select()
      .from(actionRequests)
      .where(and(eq(actionRequests.id, requestId), eq(actionRequests.practiceId, ctx.practiceId)))
      .for("update");
    if (!req) throw notFound("Request");
    if (req.status !== "pending") throw new DomainError("CONFLICT", `This request was already ${req.status}.`);
    // The engine decides the oldest pending request of this member for this rule (SPEC §5.7);
    // approve the requests of one member in order so the one chosen is the one shown.
    const [oldest] = await tx
      .select({ id: actionRequests.id })
      .from(actionRequests)
      .where(
        and(
          eq(actionRequests.practiceId, ctx.practiceId),
          eq(actionRequests.memberId, req.memberId),
          eq(actionRequests.ruleName, req.ruleName),
          eq(actionRequests.status, "pending"),
        ),
      )
      .orderBy(asc(actionRequests.requestedAt))
      .limit(1);
    if (oldest?.id !== req.id)
      throw new DomainError("CONFLICT", "Decide this member's older request for the same reward first.", { oldest: oldest?.id });
    const result = await processEvent(tx, ctx, {
      id: `decision:${requestId}`,
      type: decision === "approve" ? "action.approved" : "action.rejected",
      at: new Date().toISOString(),
      member: req.memberId,
      action: { name: req.ruleName },
    });
    const [after] = await tx.select().from(actionRequests).where(eq(actionRequests.id, requestId));
    await audit(tx, ctx, {
      action: "approvals.decide",
      targetType: "action_request",
      targetId: requestId,
      details: { decision, status: after?.status, points: pointsGiven(result, req.memberId) },
    });
    return { requestId, status: after?.status ?? req.status, awards: result.awards, closed: result.closed };
  });
}

export const completeForMemberInput = z.object({
  memberId: z.uuid(),
  rule: z.string().trim().min(1).max(200),
  /** What staff saw or were told (shown with the request). */
  note: z.string().trim().max(2000).default(""),
});

const periodWords = { member: "per patient", day: "a day", week: "a week", month: "a month", year: "a year" } as const;

/** "once per patient", "2 times a month". */
export function limitWords(limit: { count: number; per: keyof typeof periodWords }): string {
  return `${limit.count === 1 ? "once" : `${limit.count} times`} ${periodWords[limit.per]}`;
}

/**
 * A manual reward completed on the patient's behalf at the desk: recorded as completed by staff
 * (`action.completed`, source "staff") and approved in the same step (`action.approved`), so
 * the rules decide — the limit and the program status apply as for a patient's own request. A
 * request the patient already sent for the same reward is the one approved. Refusals say why.
 */
export async function completeForMember({ ctx, input }: { ctx: Ctx; input: Input<typeof completeForMemberInput> }) {
  authorize(ctx, "approvals.completeForMember");
  const data = parseInput(completeForMemberInput, input);
  return inTx(ctx, async (tx) => {
    const member = await findMember(tx, ctx, data.memberId);
    if (member.status !== "member") throw new DomainError("CONFLICT", "Only members earn rewards: convert the lead first.");
    const setup = await loadSetup(tx, ctx.practiceId);
    const rule = setup.program.manual.get(data.rule);
    if (!rule) throw notFound("Manual reward");
    const refuse = (reason: string | undefined) => {
      if (reason === "limit_reached")
        throw new DomainError(
          "LIMIT_REACHED",
          `“${rule.name}” is limited to ${rule.limit ? limitWords(rule.limit) : "its limit"}: already used up.`,
          {
            reason,
          },
        );
      if (reason === "inactive") throw new DomainError("CONFLICT", `“${rule.name}” is not running today.`, { reason });
      if (reason === "program_off") throw new DomainError("PROGRAM_OFF", "The rewards program is off.", { reason });
      if (reason) throw new DomainError("CONFLICT", `Refused: ${reason}`, { reason });
    };
    const [own] = await tx
      .select({ id: actionRequests.id, requestedAt: actionRequests.requestedAt })
      .from(actionRequests)
      .where(
        and(
          eq(actionRequests.practiceId, ctx.practiceId),
          eq(actionRequests.memberId, member.id),
          eq(actionRequests.ruleName, rule.name),
          eq(actionRequests.status, "pending"),
        ),
      )
      .orderBy(asc(actionRequests.requestedAt))
      .limit(1);
    let requestId = own?.id ?? null;
    if (!own) {
      const [staff] =
        ctx.actor.kind === "staff"
          ? await tx.select({ name: staffUsers.name }).from(staffUsers).where(eq(staffUsers.id, ctx.actor.id))
          : [];
      const response = `Completed at the desk by ${staff?.name ?? "staff"}${data.note ? `: ${data.note}` : ""}`;
      const completed = await processEvent(
        tx,
        ctx,
        {
          id: `action:${randomUUID()}`,
          type: "action.completed",
          at: new Date().toISOString(),
          member: member.id,
          action: { name: rule.name, response },
        },
        { setup, source: "staff" },
      );
      refuse(completed.rejected[0]?.reason);
      requestId = completed.pending[0]?.requestId ?? null;
    }
    const approved = await processEvent(
      tx,
      ctx,
      {
        id: `decision:${requestId ?? randomUUID()}`,
        type: "action.approved",
        at: new Date().toISOString(),
        member: member.id,
        action: { name: rule.name },
      },
      { setup, source: "staff" },
    );
    refuse(approved.rejected[0]?.reason);
    const points = pointsGiven(approved, member.id);
    const given = approved.coupons.filter((c) => c.member === member.id).map((c) => c.coupon);
    const names = await couponNames(tx, ctx.practiceId, given);
    await audit(tx, ctx, {
      action: "approvals.completeForMember",
      targetType: "action_request",
      targetId: requestId,
      details: { memberId: member.id, rule: rule.name, points, note: data.note, approvedPatientRequest: !!own },
    });
    return {
      requestId,
      rule: rule.name,
      status: "approved" as const,
      points,
      /** The coupons it gave, by the names people read. */
      coupons: given.map((c) => couponName(c, names)),
      /** True when the patient had asked for it already (their request was approved). */
      approvedPatientRequest: !!own,
      requestedAt: own?.requestedAt ?? null,
    };
  });
}
