// The webhook outbox: a message per change, written in the same transaction as the change (so a
// rolled-back change sends nothing and a committed one is never lost), fanned out to one delivery
// row per enabled endpoint of the practice that subscribes to its type. The delivery job
// (deliveries.ts) sends them after commit.
import { type Tx, webhookDeliveries, webhookEndpoints, webhookMessages } from "@tally/db";
import { and, eq } from "drizzle-orm";

/** Every event type an endpoint may subscribe to (Standard Webhooks `type`). */
export const webhookEventTypes = [
  "member.created",
  "member.updated",
  "points.awarded",
  "points.reversed",
  "points.expired",
  "reward.redeemed",
  "order.fulfilled",
  "coupon.unlocked",
  "coupon.used",
  "milestone.phase_achieved",
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

export interface WebhookMessageInput {
  type: WebhookEventType;
  memberId?: string | null;
  /** The `data` of the Standard Webhooks payload. */
  data: Record<string, unknown>;
  /** Invoice line items: sent only to endpoints with line items turned on. */
  lineItems?: unknown[] | null;
  at?: Date;
}

/** Writes the messages and their deliveries in the caller's transaction; nothing when the practice
 *  has no enabled endpoint for these types (one indexed read). */
export async function enqueueWebhooks(tx: Tx, practiceId: string, messages: WebhookMessageInput[]): Promise<number> {
  if (messages.length === 0) return 0;
  const endpoints = await tx
    .select({ id: webhookEndpoints.id, eventTypes: webhookEndpoints.eventTypes })
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.practiceId, practiceId), eq(webhookEndpoints.status, "enabled")));
  if (endpoints.length === 0) return 0;
  const wanted = messages.filter((m) => endpoints.some((e) => e.eventTypes.length === 0 || e.eventTypes.includes(m.type)));
  if (wanted.length === 0) return 0;
  let written = 0;
  for (let i = 0; i < wanted.length; i += 500) {
    const chunk = wanted.slice(i, i + 500);
    const rows = await tx
      .insert(webhookMessages)
      .values(
        chunk.map((m) => ({
          practiceId,
          type: m.type,
          memberId: m.memberId ?? null,
          payload: { type: m.type, timestamp: (m.at ?? new Date()).toISOString(), data: m.data },
          lineItems: m.lineItems ?? null,
        })),
      )
      .returning({ id: webhookMessages.id, seq: webhookMessages.seq, type: webhookMessages.type, memberId: webhookMessages.memberId });
    const deliveries = rows.flatMap((r) =>
      endpoints
        .filter((e) => e.eventTypes.length === 0 || e.eventTypes.includes(r.type))
        .map((e) => ({ practiceId, endpointId: e.id, messageId: r.id, memberId: r.memberId, seq: r.seq })),
    );
    if (deliveries.length > 0) await tx.insert(webhookDeliveries).values(deliveries);
    written += rows.length;
  }
  return written;
}

interface PipelineEntry {
  id?: string;
  memberId: string;
  kind: string;
  points: number;
  at: Date;
  ruleName?: string | null;
  eventId?: string | null;
  orderId?: string | null;
  explanation?: Record<string, unknown>;
}
interface PipelineCoupon {
  id?: string;
  memberId: string;
  coupon: string;
  ruleName?: string | null;
  issuedAt?: Date | string;
  expiresAt?: Date | null;
  eventId?: string | null;
}
interface PipelineEvent {
  id: string;
  input: { id: string; type: string; invoice?: { id: string; lines?: unknown[] }; redemption?: { reward?: string } };
}

/** The messages of one pipeline run (events/record-events.ts): points awarded and reversed,
 *  rewards redeemed and coupons unlocked, each with the external event id it came from. */
export function pipelineWebhookMessages(
  entries: readonly PipelineEntry[],
  coupons: readonly PipelineCoupon[],
  events: readonly PipelineEvent[],
  phases: readonly { member: string; rule: string; phase: string; eventIndex: number }[] = [],
): WebhookMessageInput[] {
  const byId = new Map(events.map((e) => [e.id, e.input]));
  const messages: WebhookMessageInput[] = [];
  for (const e of entries) {
    const input = e.eventId ? byId.get(e.eventId) : undefined;
    const source = input ? { eventId: input.id, eventType: input.type, invoiceId: input.invoice?.id ?? null } : {};
    const type: WebhookEventType | null =
      e.kind === "reversal"
        ? "points.reversed"
        : e.kind === "expiry"
          ? "points.expired"
          : e.kind === "redemption"
            ? "reward.redeemed"
            : e.kind === "earn" || e.kind === "milestone" || e.kind === "reward"
              ? "points.awarded"
              : null;
    if (!type) continue;
    messages.push({
      type,
      memberId: e.memberId,
      at: e.at,
      data: {
        memberId: e.memberId,
        entryId: e.id ?? null,
        kind: e.kind,
        points: e.points,
        rule: e.ruleName ?? null,
        orderId: e.orderId ?? null,
        reward: type === "reward.redeemed" ? (input?.redemption?.reward ?? null) : undefined,
        ...source,
      },
      lineItems: input?.invoice?.lines ?? null,
    });
  }
  for (const c of coupons) {
    const input = c.eventId ? byId.get(c.eventId) : undefined;
    messages.push({
      type: "coupon.unlocked",
      memberId: c.memberId,
      data: {
        memberId: c.memberId,
        couponId: c.id ?? null,
        coupon: c.coupon,
        rule: c.ruleName ?? null,
        expiresAt: c.expiresAt ? new Date(c.expiresAt).toISOString() : null,
        eventId: input?.id ?? null,
      },
    });
  }
  for (const p of phases) {
    const input = events[p.eventIndex]?.input;
    messages.push({
      type: "milestone.phase_achieved",
      memberId: p.member,
      data: { memberId: p.member, rule: p.rule, phase: p.phase, eventId: input?.id ?? null },
    });
  }
  return messages;
}
