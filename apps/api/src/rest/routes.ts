// The REST API v1 routes: each one createRoute (path, scope, request and response schemas) and a
// handler that calls the core verb. Errors are problem+json (problem.ts); reads carry an ETag.
import { createHash } from "node:crypto";
import { createRoute, type OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import {
  type ApiKeyScope,
  createWebhookEndpoint,
  DomainError,
  deleteWebhookEndpoint,
  getBalance,
  getMember,
  ledgerHistory,
  listCoupons,
  listRewards,
  listWebhookDeliveries,
  listWebhookEndpoints,
  recordConsent,
  recordEvent,
  redeemReward,
  redeliverWebhook,
  searchMembers,
  setTags,
  useCoupon,
  webhookEventTypes,
} from "@tally/core";
import type { Context, MiddlewareHandler } from "hono";
import { type RestEnv, scoped } from "./keys.ts";
import {
  CouponSchema,
  EventInputSchema,
  EventOutcomeSchema,
  LedgerEntrySchema,
  MemberSchema,
  ProblemSchema,
  page,
  RedemptionSchema,
  RewardSchema,
  WebhookDeliverySchema,
  WebhookEndpointSchema,
} from "./schemas.ts";

const problemContent = { "application/problem+json": { schema: ProblemSchema } };
const problems = {
  400: { description: "Bad input (field paths in `errors`)", content: problemContent },
  401: { description: "No valid API key", content: problemContent },
  403: { description: "The key lacks the route's scope", content: problemContent },
  404: { description: "Not found (or another practice's)", content: problemContent },
  429: { description: "The key's rate limit was reached", content: problemContent },
} as const;

const requireScope =
  (scope: ApiKeyScope): MiddlewareHandler<RestEnv> =>
  async (c, next) => {
    scoped(c, scope);
    await next();
  };

const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
const etagHeader = { headers: z.object({ ETag: z.string() }) };

/** A JSON answer (dates as ISO strings); reads get a weak ETag and answer 304 to If-None-Match. */
export function send(c: Context, data: unknown, status = 200, options: { etag?: boolean } = {}): never {
  const body = JSON.stringify(data);
  if (options.etag) {
    const tag = `W/"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
    c.header("ETag", tag);
    const match = c.req.header("if-none-match");
    if (match?.split(",").some((t) => t.trim() === tag || t.trim() === "*")) return c.body(null, 304) as never;
  }
  return c.body(body, status as 200, { "content-type": "application/json" }) as never;
}

const cursorOf = (value: Record<string, unknown>) => Buffer.from(JSON.stringify(value)).toString("base64url");
function readCursor<T>(cursor: string | undefined, check: (v: unknown) => v is T): T | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString());
    if (check(v)) return v;
  } catch {}
  throw new DomainError("INVALID_INPUT", "The cursor is not one this API gave.", {
    issues: [{ path: "cursor", message: "not a valid cursor" }],
  });
}

const limit = (max: number, dflt: number) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(max)
    .default(dflt)
    .openapi({ param: { name: "limit", in: "query" }, example: dflt });
const cursor = z
  .string()
  .max(500)
  .optional()
  .openapi({ param: { name: "cursor", in: "query" } });
const memberIdParam = z.object({ memberId: z.uuid().openapi({ param: { name: "memberId", in: "path" } }) });

export function registerRoutes(api: OpenAPIHono<RestEnv>, auth: MiddlewareHandler<RestEnv>) {
  /** A route that needs `scope`: the key check and the scope check run before its input is read;
   *  the OpenAPI document lists the scope in its security requirement and as `x-scope`. */
  const route = <R extends Omit<RouteConfig, "security">>(scope: ApiKeyScope, config: R & { tags: string[] }) =>
    createRoute({
      ...config,
      security: [{ apiKey: [scope] }],
      "x-scope": scope,
      middleware: [auth, requireScope(scope)],
      responses: { ...problems, ...config.responses },
    } as R & { security: RouteConfig["security"] });

  // ---- members
  api.openapi(
    route("members:read", {
      method: "get",
      path: "/members",
      tags: ["Members"],
      summary: "Search members",
      description: "Members whose name, email, PMS id, phone or card contains every word of `q`, optionally with a tag, in name order.",
      request: {
        query: z.object({ q: z.string().max(200).optional(), tag: z.string().max(50).optional(), cursor, limit: limit(200, 50) }),
      },
      responses: { 200: { ...json(page(MemberSchema, "MemberPage"), "A page of members"), ...etagHeader } },
    }),
    async (c) => {
      const ctx = scoped(c, "members:read");
      const q = c.req.valid("query");
      const at = readCursor(
        q.cursor,
        (v): v is { o: number } => Number.isInteger((v as { o?: unknown })?.o) && (v as { o: number }).o >= 0,
      );
      const offset = at?.o ?? 0;
      // Pages of `limit` from the offset: the verb pages by page number, so the offset is a multiple.
      if (offset % q.limit !== 0) throw new DomainError("INVALID_INPUT", "Keep the limit the cursor was made with.");
      const r = await searchMembers({ ctx, input: { q: q.q ?? "", tag: q.tag, page: offset / q.limit + 1, pageSize: q.limit } });
      const next = r.totalCapped || offset + r.items.length < r.total ? cursorOf({ o: offset + q.limit }) : null;
      return send(c, { items: r.items, nextCursor: next }, 200, { etag: true });
    },
  );

  api.openapi(
    route("members:read", {
      method: "get",
      path: "/members/{memberId}",
      tags: ["Members"],
      summary: "A member with balance, coupons and milestone phases",
      request: { params: memberIdParam },
      responses: {
        200: { ...json(z.object({ member: MemberSchema }).passthrough().openapi("MemberDetail"), "The member"), ...etagHeader },
      },
    }),
    async (c) => {
      const ctx = scoped(c, "members:read");
      return send(c, await getMember({ ctx, input: { id: c.req.valid("param").memberId } }), 200, { etag: true });
    },
  );

  api.openapi(
    route("members:write", {
      method: "post",
      path: "/members/{memberId}/tags",
      tags: ["Members"],
      summary: "Add and remove tags",
      request: {
        params: memberIdParam,
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z.object({
                add: z.array(z.string().trim().min(1).max(50)).max(50).default([]),
                remove: z.array(z.string().trim().min(1).max(50)).max(50).default([]),
              }),
            },
          },
        },
      },
      responses: { 200: json(MemberSchema, "The member with its tags") },
    }),
    async (c) => {
      const ctx = scoped(c, "members:write");
      return send(c, await setTags({ ctx, input: { id: c.req.valid("param").memberId, ...c.req.valid("json") } }));
    },
  );

  api.openapi(
    route("members:write", {
      method: "post",
      path: "/members/{memberId}/consents",
      tags: ["Members"],
      summary: "Record a consent (media, marketing, ...)",
      request: {
        params: memberIdParam,
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z.object({
                kind: z.string().trim().min(1).max(100),
                full: z.boolean().default(true),
                at: z.iso.datetime({ offset: true }).optional(),
              }),
            },
          },
        },
      },
      responses: { 201: json(z.object({}).passthrough().openapi("ConsentRecorded"), "Recorded") },
    }),
    async (c) => {
      const ctx = scoped(c, "members:write");
      return send(c, await recordConsent({ ctx, input: { memberId: c.req.valid("param").memberId, ...c.req.valid("json") } }), 201);
    },
  );

  // ---- points
  api.openapi(
    route("members:read", {
      method: "get",
      path: "/members/{memberId}/balance",
      tags: ["Points"],
      summary: "A member's point balance",
      request: { params: memberIdParam },
      responses: {
        200: { ...json(z.object({ memberId: z.uuid(), balance: z.number().int() }).openapi("Balance"), "The balance"), ...etagHeader },
      },
    }),
    async (c) => {
      const ctx = scoped(c, "members:read");
      return send(c, await getBalance({ ctx, input: { memberId: c.req.valid("param").memberId } }), 200, { etag: true });
    },
  );

  api.openapi(
    route("members:read", {
      method: "get",
      path: "/members/{memberId}/ledger",
      tags: ["Points"],
      summary: "A member's ledger, newest first, each entry with its explanation",
      request: { params: memberIdParam, query: z.object({ cursor, limit: limit(500, 50) }) },
      responses: { 200: { ...json(page(LedgerEntrySchema, "LedgerPage"), "A page of entries"), ...etagHeader } },
    }),
    async (c) => {
      const ctx = scoped(c, "members:read");
      const q = c.req.valid("query");
      const at = readCursor(
        q.cursor,
        (v): v is { b: string; n: number } => typeof (v as { b?: unknown })?.b === "string" && Number.isInteger((v as { n?: unknown }).n),
      );
      const memberId = c.req.valid("param").memberId;
      // Entries before the last page's time, then skip those of that very time already shown.
      const rows = await ledgerHistory({
        ctx,
        input: {
          memberId,
          limit: Math.min(500, q.limit + (at?.n ?? 0) + 1),
          before: at ? new Date(new Date(at.b).getTime() + 1) : undefined,
        },
      });
      const rest = at ? rows.slice(at.n) : rows;
      const items = rest.slice(0, q.limit);
      const last = items.at(-1);
      let next: string | null = null;
      if (last && rest.length > q.limit) {
        const lastAt = new Date(last.at).getTime();
        const sameTime = items.filter((e) => new Date(e.at).getTime() === lastAt).length;
        const carried = at && new Date(at.b).getTime() === lastAt ? at.n : 0;
        next = cursorOf({ b: new Date(lastAt).toISOString(), n: sameTime + carried });
      }
      return send(c, { items, nextCursor: next }, 200, { etag: true });
    },
  );

  // ---- rewards, redemptions, coupons
  api.openapi(
    route("members:read", {
      method: "get",
      path: "/rewards",
      tags: ["Rewards"],
      summary: "The rewards catalog (enabled rewards)",
      responses: { 200: { ...json(z.object({ items: z.array(RewardSchema) }).openapi("RewardList"), "The catalog"), ...etagHeader } },
    }),
    async (c) => {
      const ctx = scoped(c, "members:read");
      return send(c, { items: await listRewards({ ctx }) }, 200, { etag: true });
    },
  );

  api.openapi(
    route("redeem", {
      method: "post",
      path: "/redemptions",
      tags: ["Rewards"],
      summary: "Redeem a reward for a member",
      description:
        "Send an `Idempotency-Key` header: the same key with the same body answers the first result again; the same key with another body is 409 CONFLICT.",
      request: {
        headers: z.object({
          "idempotency-key": z
            .string()
            .min(1)
            .max(200)
            .optional()
            .openapi({ description: "Your key for this redemption (Idempotency-Key)" }),
        }),
        body: {
          required: true,
          content: { "application/json": { schema: z.object({ memberId: z.uuid(), rewardId: z.uuid() }).openapi("RedemptionInput") } },
        },
      },
      responses: {
        201: json(RedemptionSchema, "Redeemed"),
        409: { description: "Not enough points, program off, or the idempotency key was used with another body", content: problemContent },
      },
    }),
    async (c) => {
      const ctx = scoped(c, "redeem");
      const body = c.req.valid("json");
      const idempotencyKey = c.req.valid("header")["idempotency-key"];
      return send(c, await redeemReward({ ctx, input: { ...body, idempotencyKey } }), 201);
    },
  );

  api.openapi(
    route("members:read", {
      method: "get",
      path: "/members/{memberId}/coupons",
      tags: ["Rewards"],
      summary: "A member's coupons (active ones unless includeInactive)",
      request: { params: memberIdParam, query: z.object({ includeInactive: z.enum(["true", "false"]).optional() }) },
      responses: { 200: { ...json(z.object({ items: z.array(CouponSchema) }).openapi("CouponList"), "The coupons"), ...etagHeader } },
    }),
    async (c) => {
      const ctx = scoped(c, "members:read");
      const items = await listCoupons({
        ctx,
        input: { memberId: c.req.valid("param").memberId, includeInactive: c.req.valid("query").includeInactive === "true" },
      });
      return send(c, { items }, 200, { etag: true });
    },
  );

  api.openapi(
    route("redeem", {
      method: "post",
      path: "/coupons/{couponId}/use",
      tags: ["Rewards"],
      summary: "Mark a coupon used",
      request: { params: z.object({ couponId: z.uuid().openapi({ param: { name: "couponId", in: "path" } }) }) },
      responses: { 200: json(CouponSchema, "Used"), 409: { description: "Already used or expired", content: problemContent } },
    }),
    async (c) => {
      const ctx = scoped(c, "redeem");
      const used = await useCoupon({ ctx, input: { couponId: c.req.valid("param").couponId } });
      // The coupon as the member's list shows it.
      const { id, coupon, ruleName, issuedAt, expiresAt, status, usedAt, memberId } = used;
      return send(c, { id, memberId, coupon, rule: ruleName, issuedAt, expiresAt, status, usedAt });
    },
  );

  // ---- events
  api.openapi(
    route("events:write", {
      method: "post",
      path: "/events",
      tags: ["Events"],
      summary: "Record an event (visit, consent, review, referral, marketplace)",
      description:
        "Evaluated by the practice's rules at once. The same `id` again answers the first outcome (`duplicate: true`); with another payload, 409.",
      request: { body: { required: true, content: { "application/json": { schema: EventInputSchema } } } },
      responses: {
        201: json(EventOutcomeSchema, "Recorded"),
        200: json(EventOutcomeSchema, "Recorded before: the first outcome, with duplicate: true"),
        409: { description: "This id was recorded with another payload", content: problemContent },
      },
    }),
    async (c) => {
      const ctx = scoped(c, "events:write");
      const r = await recordEvent({ ctx, input: c.req.valid("json"), source: "api" });
      return send(c, r, r.duplicate ? 200 : 201);
    },
  );

  // ---- webhooks
  api.openapi(
    route("webhooks:admin", {
      method: "get",
      path: "/webhooks/endpoints",
      tags: ["Webhooks"],
      summary: "The practice's webhook endpoints",
      responses: { 200: json(z.object({ items: z.array(WebhookEndpointSchema) }).openapi("WebhookEndpointList"), "Endpoints") },
    }),
    async (c) => send(c, { items: await listWebhookEndpoints({ ctx: scoped(c, "webhooks:admin") }) }),
  );

  api.openapi(
    route("webhooks:admin", {
      method: "post",
      path: "/webhooks/endpoints",
      tags: ["Webhooks"],
      summary: "Add an endpoint (its signing secret is in this answer only)",
      request: {
        body: {
          required: true,
          content: {
            "application/json": {
              schema: z
                .object({
                  url: z.url(),
                  description: z.string().max(200).optional(),
                  eventTypes: z.array(z.enum(webhookEventTypes)).optional().openapi({ description: "None: every type" }),
                  lineItems: z
                    .boolean()
                    .optional()
                    .openapi({ description: "Include invoice line items (needs the line_items:read scope)" }),
                })
                .openapi("WebhookEndpointInput"),
            },
          },
        },
      },
      responses: { 201: json(WebhookEndpointSchema.extend({ secret: z.string() }), "Added") },
    }),
    async (c) => {
      const ctx = scoped(c, "webhooks:admin");
      const input = c.req.valid("json");
      if (input.lineItems) scoped(c, "line_items:read");
      return send(c, await createWebhookEndpoint({ ctx, input }), 201);
    },
  );

  api.openapi(
    route("webhooks:admin", {
      method: "delete",
      path: "/webhooks/endpoints/{endpointId}",
      tags: ["Webhooks"],
      summary: "Remove an endpoint",
      request: { params: z.object({ endpointId: z.uuid().openapi({ param: { name: "endpointId", in: "path" } }) }) },
      responses: { 204: { description: "Removed" } },
    }),
    async (c) => {
      await deleteWebhookEndpoint({ ctx: scoped(c, "webhooks:admin"), input: { endpointId: c.req.valid("param").endpointId } });
      return c.body(null, 204) as never;
    },
  );

  api.openapi(
    route("webhooks:admin", {
      method: "get",
      path: "/webhooks/deliveries",
      tags: ["Webhooks"],
      summary: "The delivery log, newest first",
      request: { query: z.object({ endpointId: z.uuid().optional(), limit: limit(200, 50) }) },
      responses: { 200: json(z.object({ items: z.array(WebhookDeliverySchema) }).openapi("WebhookDeliveryList"), "Deliveries") },
    }),
    async (c) => send(c, { items: await listWebhookDeliveries({ ctx: scoped(c, "webhooks:admin"), input: c.req.valid("query") }) }),
  );

  api.openapi(
    route("webhooks:admin", {
      method: "post",
      path: "/webhooks/deliveries/{deliveryId}/redeliver",
      tags: ["Webhooks"],
      summary: "Send a delivery again",
      request: { params: z.object({ deliveryId: z.uuid().openapi({ param: { name: "deliveryId", in: "path" } }) }) },
      responses: { 202: json(z.object({ ok: z.literal(true) }), "Queued") },
    }),
    async (c) => send(c, await redeliverWebhook({ ctx: scoped(c, "webhooks:admin"), input: c.req.valid("param") }), 202),
  );
}
