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

const endpointId = z.object({ endpointId: z.uuid() });

export const webhooksRouter = router({
  eventTypes: staffProcedure.meta({ action: "webhooks.manage" }).query(() => [...webhookEventTypes]),
  list: staffProcedure.meta({ action: "webhooks.manage" }).query(({ ctx }) => listWebhookEndpoints({ ctx: ctx.core })),
  create: staffProcedure
    .meta({ action: "webhooks.manage" })
    .input(createWebhookEndpointInput)
    .mutation(({ ctx, input }) => createWebhookEndpoint({ ctx: ctx.core, input })),
  update: staffProcedure
    .meta({ action: "webhooks.manage" })
    .input(updateWebhookEndpointInput)
    .mutation(({ ctx, input }) => updateWebhookEndpoint({ ctx: ctx.core, input })),
  remove: staffProcedure
    .meta({ action: "webhooks.manage" })
    .input(endpointId)
    .mutation(({ ctx, input }) => deleteWebhookEndpoint({ ctx: ctx.core, input })),
  rotateSecret: staffProcedure
    .meta({ action: "webhooks.manage" })
    .input(endpointId)
    .mutation(({ ctx, input }) => rotateWebhookSecret({ ctx: ctx.core, input })),
  deliveries: staffProcedure
    .meta({ action: "webhooks.manage" })
    .input(listWebhookDeliveriesInput.optional())
    .query(({ ctx, input }) => listWebhookDeliveries({ ctx: ctx.core, input })),
  redeliver: staffProcedure
    .meta({ action: "webhooks.manage" })
    .input(z.object({ deliveryId: z.uuid() }))
    .mutation(({ ctx, input }) => redeliverWebhook({ ctx: ctx.core, input })),
});
