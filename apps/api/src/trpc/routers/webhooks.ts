// Webhook endpoints in Settings (admins only): add, change, remove, rotate the secret (shown once),
// the delivery log and sending a delivery again. The rules are core's (webhooks/endpoints.ts).

import {
  createWebhookEndpoint,
  createWebhookEndpointInput,
  deleteWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookDeliveriesInput,
  listWebhookEndpoints,
  redeliverWebhook,
  rotateWebhookSecret,
  updateWebhookEndpoint,
  updateWebhookEndpointInput,
  webhookEventTypes,
} from "@tally/core";
import { z } from "zod";
import { router, staffProcedure } from "../init.ts";

const admin = staffProcedure.meta({ role: "admin" });
const endpointId = z.object({ endpointId: z.uuid() });

export const webhooksRouter = router({
  eventTypes: admin.query(() => [...webhookEventTypes]),
  list: admin.query(({ ctx }) => listWebhookEndpoints({ ctx: ctx.core })),
  create: admin.input(createWebhookEndpointInput).mutation(({ ctx, input }) => createWebhookEndpoint({ ctx: ctx.core, input })),
  update: admin.input(updateWebhookEndpointInput).mutation(({ ctx, input }) => updateWebhookEndpoint({ ctx: ctx.core, input })),
  remove: admin.input(endpointId).mutation(({ ctx, input }) => deleteWebhookEndpoint({ ctx: ctx.core, input })),
  rotateSecret: admin.input(endpointId).mutation(({ ctx, input }) => rotateWebhookSecret({ ctx: ctx.core, input })),
  deliveries: admin.input(listWebhookDeliveriesInput.optional()).query(({ ctx, input }) => listWebhookDeliveries({ ctx: ctx.core, input })),
  redeliver: admin.input(z.object({ deliveryId: z.uuid() })).mutation(({ ctx, input }) => redeliverWebhook({ ctx: ctx.core, input })),
});
