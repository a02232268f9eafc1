// Manual rewards: a member completes a prompt in the portal (`action.completed` records a pending
// request), staff approve or reject it in the approvals queue (`action.approved` / `action.rejected`
// through the engine, which awards the oldest pending request of that member for that rule).
import { randomUUID } from "node:crypto";
import { actionRequests, members } from "@tally/db";
import { pointsGiven } from "@tally/rules";
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { processEvent } from "../events/process-event.ts";
import { loadSetup } from "../events/program.ts";
import { throwIfRejected } from "../events/rejections.ts";
import { assertSelf, authorize } from "../permissions.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";

/** The manual rewards a member can complete, with their prompts (for the portal's Actions page). */
export async function listManualRewards({ ctx }: { ctx: Ctx; input?: unknown }) {
  authorize(ctx, "approvals.completeAction");
  const { program } = await loadSetup(ctx.db, ctx.practiceId);
  return [...program.manual.values()].map((r) => ({
    name: r.name,
    prompt: r.prompt,
    confirmation: r.confirmation,
    points: r.awards.reduce((s, a) => s + a.prize.points, 0),
    coupons: r.awards.flatMap((a) => a.prize.coupons),
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
    return { requestId: request?.requestId ?? null, status: "pending" as const, confirmation: rule.confirmation };
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
    .innerJoin(members, eq(members.id, actionRequests.memberId))
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
