// A practice's webhook endpoints (Settings, and the REST API for keys with webhooks:admin): add,
// change, remove, rotate the signing secret (the old one still signs for 24 hours), the delivery
// log and sending a delivery again.
import { randomBytes } from "node:crypto";
import { webhookDeliveries, webhookEndpoints, webhookMessages } from "@tally/db";
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";
import { webhookEventTypes } from "./outbox.ts";

/** Admins in Settings, integrations whose key has the webhooks:admin scope (checked by the API). */
function requireWebhookAdmin(ctx: Ctx) {
  const a = ctx.actor;
  if (a.kind === "system" || a.kind === "integration" || (a.kind === "staff" && a.role === "admin")) return;
  throw new DomainError("FORBIDDEN", "Only an admin can manage webhooks.");
}

export const newWebhookSecret = () => `whsec_${randomBytes(24).toString("base64")}`;
const secretOverlapMs = 24 * 3_600_000;

const url = z
  .string()
  .trim()
  .max(2000)
  .refine((u) => {
    try {
      const p = new URL(u);
      return (p.protocol === "https:" || p.protocol === "http:") && !p.username && !p.password;
    } catch {
      return false;
    }
  }, "Enter an http(s) address without a user name or password");

export const createWebhookEndpointInput = z.object({
  url,
  description: z.string().trim().max(200).default(""),
  eventTypes: z.array(z.enum(webhookEventTypes)).max(webhookEventTypes.length).default([]),
  lineItems: z.boolean().default(false),
});

export const updateWebhookEndpointInput = z.object({
  endpointId: z.uuid(),
  url: url.optional(),
  description: z.string().trim().max(200).optional(),
  eventTypes: z.array(z.enum(webhookEventTypes)).max(webhookEventTypes.length).optional(),
  lineItems: z.boolean().optional(),
  enabled: z.boolean().optional(),
});

const endpointColumns = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  description: webhookEndpoints.description,
  eventTypes: webhookEndpoints.eventTypes,
  lineItems: webhookEndpoints.lineItems,
  status: webhookEndpoints.status,
  disabledReason: webhookEndpoints.disabledReason,
  createdAt: webhookEndpoints.createdAt,
};

export async function createWebhookEndpoint({ ctx, input }: { ctx: Ctx; input: Input<typeof createWebhookEndpointInput> }) {
  requireWebhookAdmin(ctx);
  const data = parseInput(createWebhookEndpointInput, input);
  const secret = newWebhookSecret();
  return inTx(ctx, async (tx) => {
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({ practiceId: ctx.practiceId, ...data, secret })
      .returning(endpointColumns);
    await audit(tx, ctx, { action: "webhooks.create", targetType: "webhook_endpoint", targetId: row!.id, details: { url: data.url } });
    return { ...row!, secret };
  });
}

export async function listWebhookEndpoints({ ctx }: { ctx: Ctx }) {
  requireWebhookAdmin(ctx);
  const rows = await ctx.db
    .select({
      ...endpointColumns,
      pending: sql<number>`(select count(*)::int from webhook_deliveries d where d.endpoint_id = webhook_endpoints.id and d.status = 'pending')`,
      failed: sql<number>`(select count(*)::int from webhook_deliveries d where d.endpoint_id = webhook_endpoints.id and d.status = 'failed')`,
      lastDeliveredAt: sql<
        string | null
      >`(select max(d.delivered_at) from webhook_deliveries d where d.endpoint_id = webhook_endpoints.id)`,
    })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.practiceId, ctx.practiceId))
    .orderBy(desc(webhookEndpoints.createdAt));
  return rows.map((r) => ({
    ...r,
    pending: Number(r.pending),
    failed: Number(r.failed),
    lastDeliveredAt: r.lastDeliveredAt ? new Date(r.lastDeliveredAt) : null,
  }));
}

export async function updateWebhookEndpoint({ ctx, input }: { ctx: Ctx; input: Input<typeof updateWebhookEndpointInput> }) {
  requireWebhookAdmin(ctx);
  const { endpointId, enabled, ...rest } = parseInput(updateWebhookEndpointInput, input);
  return inTx(ctx, async (tx) => {
    const set: Partial<typeof webhookEndpoints.$inferInsert> = { ...rest, updatedAt: new Date() };
    if (enabled !== undefined)
      Object.assign(set, enabled ? { status: "enabled", disabledReason: null } : { status: "disabled", disabledReason: "Turned off." });
    const [row] = await tx
      .update(webhookEndpoints)
      .set(set)
      .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.practiceId, ctx.practiceId)))
      .returning(endpointColumns);
    if (!row) throw notFound("Webhook endpoint");
    await audit(tx, ctx, { action: "webhooks.update", targetType: "webhook_endpoint", targetId: row.id, details: { ...rest, enabled } });
    return row;
  });
}

export async function deleteWebhookEndpoint({ ctx, input }: { ctx: Ctx; input: { endpointId: string } }) {
  requireWebhookAdmin(ctx);
  const { endpointId } = parseInput(z.object({ endpointId: z.uuid() }), input);
  return inTx(ctx, async (tx) => {
    const [row] = await tx
      .delete(webhookEndpoints)
      .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.practiceId, ctx.practiceId)))
      .returning({ id: webhookEndpoints.id, url: webhookEndpoints.url });
    if (!row) throw notFound("Webhook endpoint");
    await audit(tx, ctx, { action: "webhooks.delete", targetType: "webhook_endpoint", targetId: row.id, details: { url: row.url } });
    return { ok: true as const };
  });
}

/** A new signing secret, shown once; messages are signed with both for 24 hours. */
export async function rotateWebhookSecret({ ctx, input }: { ctx: Ctx; input: { endpointId: string } }) {
  requireWebhookAdmin(ctx);
  const { endpointId } = parseInput(z.object({ endpointId: z.uuid() }), input);
  const secret = newWebhookSecret();
  return inTx(ctx, async (tx) => {
    const [row] = await tx
      .update(webhookEndpoints)
      .set({
        previousSecret: sql`${webhookEndpoints.secret}`,
        previousSecretExpiresAt: new Date(Date.now() + secretOverlapMs),
        secret,
        updatedAt: new Date(),
      })
      .where(and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.practiceId, ctx.practiceId)))
      .returning({ id: webhookEndpoints.id, previousSecretExpiresAt: webhookEndpoints.previousSecretExpiresAt });
    if (!row) throw notFound("Webhook endpoint");
    await audit(tx, ctx, { action: "webhooks.rotateSecret", targetType: "webhook_endpoint", targetId: row.id });
    return { ...row, secret };
  });
}

export const listWebhookDeliveriesInput = z.object({
  endpointId: z.uuid().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export async function listWebhookDeliveries({ ctx, input }: { ctx: Ctx; input?: Input<typeof listWebhookDeliveriesInput> }) {
  requireWebhookAdmin(ctx);
  const q = parseInput(listWebhookDeliveriesInput, input ?? {});
  const where = [eq(webhookDeliveries.practiceId, ctx.practiceId)];
  if (q.endpointId) where.push(eq(webhookDeliveries.endpointId, q.endpointId));
  return ctx.db
    .select({
      id: webhookDeliveries.id,
      endpointId: webhookDeliveries.endpointId,
      messageId: webhookDeliveries.messageId,
      type: webhookMessages.type,
      status: webhookDeliveries.status,
      attempts: webhookDeliveries.attempts,
      nextAttemptAt: webhookDeliveries.nextAttemptAt,
      lastAttemptAt: webhookDeliveries.lastAttemptAt,
      lastStatus: webhookDeliveries.lastStatus,
      lastError: webhookDeliveries.lastError,
      deliveredAt: webhookDeliveries.deliveredAt,
      createdAt: webhookDeliveries.createdAt,
    })
    .from(webhookDeliveries)
    .innerJoin(
      webhookMessages,
      and(eq(webhookMessages.practiceId, webhookDeliveries.practiceId), eq(webhookMessages.id, webhookDeliveries.messageId)),
    )
    .where(and(...where))
    .orderBy(desc(webhookDeliveries.seq))
    .limit(q.limit);
}

/** Sends a delivery again (a failed one, or a delivered one the receiver lost), as soon as the job runs. */
export async function redeliverWebhook({ ctx, input }: { ctx: Ctx; input: { deliveryId: string } }) {
  requireWebhookAdmin(ctx);
  const { deliveryId } = parseInput(z.object({ deliveryId: z.uuid() }), input);
  return inTx(ctx, async (tx) => {
    const [row] = await tx
      .update(webhookDeliveries)
      .set({ status: "pending", nextAttemptAt: new Date(), attempts: 0, deliveredAt: null })
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.practiceId, ctx.practiceId)))
      .returning({ id: webhookDeliveries.id, endpointId: webhookDeliveries.endpointId });
    if (!row) throw notFound("Webhook delivery");
    await audit(tx, ctx, { action: "webhooks.redeliver", targetType: "webhook_delivery", targetId: row.id });
    return { ok: true as const };
  });
}
