// The REST API's documented shapes (zod with OpenAPI metadata): one definition validates the
// request, types the handler and writes the OpenAPI document.
import { z } from "@hono/zod-openapi";
import { apiKeyScopes, webhookEventTypes } from "@tally/core";

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ example: "NOT_FOUND", description: "The same code as the tRPC API" }),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .openapi("Problem");

export const MemberSchema = z
  .object({
    id: z.uuid(),
    externalId: z.string().nullable().openapi({ description: "The practice-management system's patient id" }),
    firstName: z.string(),
    lastName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    birthday: z.string().nullable().openapi({ example: "1990-04-12" }),
    cardNumber: z.string().nullable(),
    tags: z.array(z.string()),
    registered: z.boolean(),
    status: z.string(),
    createdAt: z.string(),
  })
  .passthrough()
  .openapi("Member");

export const MemberInputSchema = z
  .object({
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
    birthDate: z.string().optional().openapi({ example: "1990-04-12" }),
    cardNumber: z.string().optional(),
    tags: z.array(z.string()).optional(),
  })
  .openapi("MemberInput");

export const UpsertResultSchema = z
  .object({
    outcome: z.enum(["created", "updated", "unchanged"]),
    changes: z.array(z.unknown()),
    suggestions: z.array(z.object({ match: z.unknown(), reason: z.string() })),
    member: MemberSchema,
  })
  .openapi("MemberUpsert");

export const page = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().openapi({ description: "Send as `cursor` for the next page; null on the last" }),
    })
    .openapi(name);

export const LedgerEntrySchema = z
  .object({
    id: z.uuid(),
    kind: z.string(),
    points: z.number().int(),
    ruleName: z.string().nullable(),
    eventId: z.string().nullable(),
    orderId: z.string().nullable(),
    why: z
      .string()
      .openapi({ description: "The entry in plain English", example: '15 points from "Spend": $150.00 of spend at 1 point per $10.00' }),
    at: z.string(),
  })
  .passthrough()
  .openapi("LedgerEntry");

export const RewardSchema = z
  .object({ id: z.uuid(), name: z.string(), kind: z.string(), pointsPrice: z.number().int() })
  .passthrough()
  .openapi("Reward");

export const CouponSchema = z
  .object({
    id: z.uuid(),
    coupon: z.string(),
    rule: z.string().nullable(),
    issuedAt: z.string(),
    expiresAt: z.string().nullable(),
    status: z.string(),
  })
  .passthrough()
  .openapi("Coupon");

export const InvoiceSchema = z
  .object({
    externalMemberId: z.string().openapi({ example: "PMS-10000" }),
    invoiceId: z.string().openapi({ example: "INV-2041" }),
    date: z.string().openapi({ example: "2026-03-01", description: "YYYY-MM-DD or an ISO date-time" }),
    status: z.enum(["paid", "voided"]),
    lines: z.array(z.object({ code: z.string(), amount: z.union([z.string(), z.number()]) })).optional(),
  })
  .passthrough()
  .openapi("Invoice");

export const ImportResultSchema = z
  .object({
    runId: z.string(),
    total: z.number().int(),
    imported: z.number().int(),
    revised: z.number().int().openapi({ description: "Of the imported: invoices paid again with other lines" }),
    skipped: z.number().int().openapi({ description: "Recorded before: nothing changed" }),
    errors: z.number().int(),
    rowErrors: z.array(z.object({ row: z.number().int(), message: z.string() })),
    points: z.number().int(),
  })
  .passthrough()
  .openapi("InvoiceImportResult");

export const integrationEventTypes = [
  "visit.checked_in",
  "consent.given",
  "review.posted",
  "referral.converted",
  "marketplace.participated",
] as const;

export const EventInputSchema = z
  .object({
    id: z.string().trim().min(1).max(300).openapi({ description: "Your id for the event: sending it again returns the first outcome" }),
    type: z.enum(integrationEventTypes),
    at: z.iso.datetime({ offset: true }),
    member: z.uuid(),
    visit: z.object({ method: z.enum(["card", "qr", "phone", "staff"]).optional() }).optional(),
    consent: z.object({ kind: z.string().max(100).optional(), full: z.boolean().optional() }).optional(),
    referral: z.object({ referrer: z.uuid().optional(), campaign: z.string().max(200).optional() }).optional(),
    review: z.object({ rating: z.number().int().min(1).max(5).optional(), platform: z.string().max(100).optional() }).optional(),
    activity: z.object({ kind: z.enum(["contest", "survey", "social_post"]).optional(), id: z.string().max(200).optional() }).optional(),
  })
  .openapi("EventInput");

export const EventOutcomeSchema = z.object({ eventId: z.string(), duplicate: z.boolean() }).passthrough().openapi("EventOutcome");

export const RedemptionSchema = z.object({ orderId: z.string() }).passthrough().openapi("Redemption");

export const WebhookEndpointSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string(),
    eventTypes: z.array(z.enum(webhookEventTypes)),
    lineItems: z.boolean(),
    status: z.enum(["enabled", "disabled"]),
    disabledReason: z.string().nullable(),
    createdAt: z.string(),
  })
  .passthrough()
  .openapi("WebhookEndpoint");

export const WebhookDeliverySchema = z
  .object({
    id: z.uuid(),
    endpointId: z.uuid(),
    type: z.string(),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    lastStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
  })
  .passthrough()
  .openapi("WebhookDelivery");

export const scopeList = apiKeyScopes;
