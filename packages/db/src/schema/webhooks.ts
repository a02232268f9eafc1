// Webhooks (Standard Webhooks): a practice's endpoints, the outbox of messages written in the same
// transaction as the change they describe, and one delivery row per message and endpoint that the
// delivery job works through (retries with backoff, per-member order, a log with replay).
import { bigint, boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, tenantId, tenantKey, tenantRef, updatedAt } from "./columns.ts";
import { practices } from "./practices.ts";

const at = () => timestamp({ withTimezone: true, mode: "date" });

export const webhookEndpointStatus = pgEnum("webhook_endpoint_status", ["enabled", "disabled"]);
export const webhookDeliveryStatus = pgEnum("webhook_delivery_status", ["pending", "delivered", "failed"]);

/** Where a practice wants to hear about changes, and which event types (none listed: all). */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    url: text().notNull(),
    description: text().notNull().default(""),
    eventTypes: text().array().notNull().default([]),
    /** Invoice line items in points.* payloads (the line_items:read scope of an endpoint). */
    lineItems: boolean().notNull().default(false),
    /** `whsec_` + base64: the signing secret (needed in clear to sign). */
    secret: text().notNull(),
    /** After a rotation, messages are signed with both until then. */
    previousSecret: text(),
    previousSecretExpiresAt: at(),
    status: webhookEndpointStatus().notNull().default("enabled"),
    disabledReason: text(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [tenantKey("webhook_endpoints", t.practiceId, t.id), index("webhook_endpoints_practice_idx").on(t.practiceId)],
);

/** The outbox: one message per change, in commit order per member (seq). */
export const webhookMessages = pgTable(
  "webhook_messages",
  {
    id: tenantId(),
    seq: bigint({ mode: "number" }).generatedByDefaultAsIdentity(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    type: text().notNull(),
    memberId: uuid(),
    payload: jsonb().notNull(),
    /** Invoice line items, sent only to endpoints that asked for them. */
    lineItems: jsonb(),
    createdAt: createdAt(),
  },
  (t) => [tenantKey("webhook_messages", t.practiceId, t.id), index("webhook_messages_practice_idx").on(t.practiceId, t.createdAt)],
);

/** One message to one endpoint: attempts, the next try, the last answer. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: tenantId(),
    practiceId: uuid()
      .notNull()
      .references(() => practices.id),
    endpointId: uuid().notNull(),
    messageId: uuid().notNull(),
    memberId: uuid(),
    seq: bigint({ mode: "number" }).notNull(),
    status: webhookDeliveryStatus().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: at().notNull().defaultNow(),
    lastAttemptAt: at(),
    lastStatus: integer(),
    lastError: text(),
    deliveredAt: at(),
    createdAt: createdAt(),
  },
  (t) => [
    tenantKey("webhook_deliveries", t.practiceId, t.id),
    tenantRef("webhook_deliveries_endpoint_fk", [t.practiceId, t.endpointId], [webhookEndpoints.practiceId, webhookEndpoints.id]).onDelete(
      "cascade",
    ),
    tenantRef("webhook_deliveries_message_fk", [t.practiceId, t.messageId], [webhookMessages.practiceId, webhookMessages.id]).onDelete(
      "cascade",
    ),
    uniqueIndex("webhook_deliveries_message_endpoint_key").on(t.practiceId, t.messageId, t.endpointId),
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_order_idx").on(t.endpointId, t.memberId, t.seq),
  ],
);
