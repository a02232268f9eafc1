// Staff add or deduct points with a note (practices without an integration do this from paid
// invoices). Goes through the engine as `points.adjusted`, so its state sees the change.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { processEvent } from "../events/process-event.ts";
import { throwIfRejected } from "../events/rejections.ts";
import { withIdempotency } from "../idempotency.ts";
import { findMember } from "../members/shared.ts";
import { authorize } from "../permissions.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";
import { lockBalances } from "./append.ts";

export const adjustPointsInput = z.object({
  memberId: z.uuid(),
  points: z
    .number()
    .int()
    .refine((n) => n !== 0, "points must not be 0")
    .refine((n) => Math.abs(n) <= 10_000_000, "too many points"),
  note: z.string().trim().min(1, "a note says why").max(1000),
  idempotencyKey: z.string().min(1).max(200).optional(),
  at: z.coerce.date().optional(),
});

export async function adjustPoints({ ctx, input }: { ctx: Ctx; input: Input<typeof adjustPointsInput> }) {
  authorize(ctx, "ledger.adjustPoints");
  const data = parseInput(adjustPointsInput, input);
  return inTx(ctx, (tx) =>
    withIdempotency(tx, ctx, "ledger.adjustPoints", data.idempotencyKey, { ...data, at: undefined }, async () => {
      await findMember(tx, ctx, data.memberId);
      const balance = (await lockBalances(tx, ctx.practiceId, [data.memberId])).get(data.memberId) ?? 0;
      // A deduction is a staff correction: it may not take the balance below zero (a reversal may).
      if (data.points < 0 && balance + data.points < 0) {
        throw new DomainError("INSUFFICIENT_POINTS", `The balance is ${balance} points; it cannot go below zero.`, { balance });
      }
      const result = await processEvent(
        tx,
        ctx,
        {
          id: `adjustment:${data.idempotencyKey ?? randomUUID()}`,
          type: "points.adjusted",
          at: (data.at ?? new Date()).toISOString(),
          member: data.memberId,
          adjustment: { points: data.points, note: data.note },
        },
        { source: "staff", note: data.note },
      );
      throwIfRejected(result);
      const entry = result.adjustments[0];
      await audit(tx, ctx, {
        action: "ledger.adjustPoints",
        targetType: "member",
        targetId: data.memberId,
        details: { points: data.points, note: data.note, entryId: entry?.entryId },
      });
      return { entryId: entry?.entryId ?? null, points: data.points, balance: balance + (entry ? entry.points : 0) };
    }),
  );
}
