import { Validator } from "@seriousme/openapi-schema-validator";
import { issuedCoupons, members } from "@tally/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { createHarness, type Harness, type TestClient } from "../testing/harness.ts";
import { restApi } from "./index.ts";

interface Seen {
  method: string;
  path: string;
  status: number;
  type: string;
  body: unknown;
}

describe("REST API v1", () => {
  let h: Harness;
  let admin: TestClient;
  let vetAdmin: TestClient;
  let all: string; // every scope
  let readOnly: string; // members:read
  let vetKey: string;
  let ana: typeof members.$inferSelect;
  let vetMember: typeof members.$inferSelect;

  /** Every JSON answer the tests saw, checked against the document's schema for its route and status at the end. */
  const seen: Seen[] = [];
  const call = async (path: string, key: string, init: RequestInit & { json?: unknown } = {}) => {
    const res = await rawCall(path, key, init);
    const type = res.headers.get("content-type") ?? "";
    if (type.includes("json"))
      seen.push({
        method: (init.method ?? "GET").toLowerCase(),
        path: path.split("?")[0]!,
        status: res.status,
        type: type.split(";")[0]!,
        body: await res.clone().json(),
      });
    return res;
  };
  const rawCall = (path: string, key: string, init: RequestInit & { json?: unknown } = {}) =>
    h.request(`/api/v1${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${key}`,
        ...(init.json !== undefined ? { "content-type": "application/json" } : {}),
        ...(init.headers as Record<string, string>),
      },
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
  const problemOf = async (res: Response) => {
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    return (await res.json()) as { status: number; code: string; detail: string; errors?: { path: string; message: string }[] };
  };

  beforeAll(async () => {
    h = await createHarness({ members: 8 });
    admin = await h.staff("admin");
    vetAdmin = await h.staff("admin", "paws-claws");
    await admin.rules.save.mutate({
      source:
        'earn "Spend" on invoice.paid {\n  rate 1 point per $10\n  items all\n}\nreward "Visit" on visit.checked_in { award 5 points }',
      publish: true,
    });
    all = (await admin.apiKeys.create.mutate({ name: "PMS" })).key;
    readOnly = (await admin.apiKeys.create.mutate({ name: "Reader", scopes: ["members:read"] })).key;
    vetKey = (await vetAdmin.apiKeys.create.mutate({ name: "Vet PMS" })).key;
    ana = (await h.t.db.select().from(members).where(eq(members.externalId, "PMS-10000")))[0]!;
    vetMember = (await h.t.db.select().from(members).where(eq(members.practiceId, h.practiceIds["paws-claws"]!)).limit(1))[0]!;
  });
  afterAll(async () => h?.dispose());

  describe("the OpenAPI document and its reference page", () => {
    it("is a valid OpenAPI 3.1 document listing every route with its scope", async () => {
      const res = await h.request("/api/v1/openapi.json");
      expect(res.status).toBe(200);
      const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { "x-scope"?: string }>> };
      expect(doc.openapi).toBe("3.1.0");
      const result = await new Validator().validate(doc as never);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      const listed = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
      // Every route the app serves under /api/v1 (but the document and the page) is in the document.
      const served = h.app.routes
        .filter(
          (r) =>
            r.path.startsWith("/api/v1/") && r.method !== "ALL" && !r.path.startsWith("/api/v1/docs") && r.path !== "/api/v1/openapi.json",
        )
        .map((r) => `${r.method} ${r.path.slice("/api/v1".length).replace(/:(\w+)/g, "{$1}")}`);
      for (const route of new Set(served)) expect(listed).toContain(route);
      for (const ops of Object.values(doc.paths)) for (const op of Object.values(ops)) expect(op["x-scope"]).toMatch(/^[a-z_]+(:[a-z]+)?$/);
    });

    it("serves the reference page and Scalar from the package's own files, allowed by its CSP", async () => {
      const page = await h.request("/api/v1/docs");
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('src="/api/v1/docs/scalar.js"');
      expect(html).not.toMatch(/https?:\/\//);
      const csp = page.headers.get("content-security-policy")!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      const js = await h.request("/api/v1/docs/scalar.js");
      expect(js.status).toBe(200);
      expect(js.headers.get("content-type")).toContain("javascript");
      expect((await js.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    });
  });

  describe("members", () => {
    it("searches with stable cursor pages: every member once, in order", async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await call(`/members?limit=3${cursor ? `&cursor=${cursor}` : ""}`, readOnly);
        expect(res.status).toBe(200);
        const body = (await res.json()) as { items: { id: string }[]; nextCursor: string | null };
        expect(body.items.length).toBeLessThanOrEqual(3);
        seen.push(...body.items.map((m) => m.id));
        cursor = body.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      const whole = (await (await call("/members?limit=200", readOnly)).json()) as { items: { id: string }[]; nextCursor: string | null };
      expect(whole.nextCursor).toBeNull();
      expect(seen).toEqual(whole.items.map((m) => m.id));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBeGreaterThan(3);
    });

    it("gets a member with an ETag, and answers 304 to If-None-Match", async () => {
      const res = await call(`/members/${ana.id}`, readOnly);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { member: { id: string; externalId: string } };
      expect(body.member).toMatchObject({ id: ana.id, externalId: "PMS-10000" });
      const etag = res.headers.get("etag")!;
      expect(etag).toMatch(/^W\/"/);
      const again = await call(`/members/${ana.id}`, readOnly, { headers: { "if-none-match": etag } });
      expect(again.status).toBe(304);
    });

    it("answers another practice's member as not found (404 problem+json)", async () => {
      const res = await call(`/members/${vetMember.id}`, all);
      expect(res.status).toBe(404);
      expect(await problemOf(res)).toMatchObject({ status: 404, code: "NOT_FOUND" });
      expect((await call(`/members/${ana.id}/balance`, vetKey)).status).toBe(404);
    });

    it("refuses bad input with 400 problem+json and field paths", async () => {
      const res = await call("/members/not-a-uuid", all);
      expect(res.status).toBe(400);
      const p = await problemOf(res);
      expect(p.code).toBe("INVALID_INPUT");
      expect(p.errors?.map((e) => e.path)).toContain("memberId");
      const tags = await call(`/members/${ana.id}/tags`, all, { method: "POST", json: { add: [""] } });
      expect(tags.status).toBe(400);
      expect((await problemOf(tags)).errors?.map((e) => e.path)).toContain("add.0");
    });

    it("adds tags and records consent with members:write; a read-only key gets 403", async () => {
      const tagged = await call(`/members/${ana.id}/tags`, all, { method: "POST", json: { add: ["api-vip"] } });
      expect(tagged.status).toBe(200);
      expect(((await tagged.json()) as { tags: string[] }).tags).toContain("api-vip");
      const consent = await call(`/members/${ana.id}/consents`, all, { method: "POST", json: { kind: "media" } });
      expect(consent.status).toBe(201);
      const denied = await call(`/members/${ana.id}/tags`, readOnly, { method: "POST", json: { add: ["x"] } });
      expect(denied.status).toBe(403);
      expect(await problemOf(denied)).toMatchObject({ code: "FORBIDDEN", status: 403, detail: expect.stringContaining("members:write") });
    });

    it("keeps PUT /members/{pmsId} as it was, and checks its scope", async () => {
      const res = await call("/members/API-1", all, { method: "PUT", json: { firstName: "Rest", lastName: "Api" } });
      expect(res.status).toBe(201);
      const denied = await call("/members/API-1", readOnly, { method: "PUT", json: { firstName: "Rest", lastName: "Api" } });
      expect(denied.status).toBe(403);
      expect(await denied.json()).toMatchObject({ error: { code: "FORBIDDEN" } });
    });
  });

  describe("events, invoices, points", () => {
    it("records a visit once, and the ledger explains it, paged by cursor", async () => {
      const event = { id: "visit-rest-1", type: "visit.checked_in", at: "2026-03-01T15:00:00Z", member: ana.id };
      const first = await call("/events", all, { method: "POST", json: event });
      expect(first.status).toBe(201);
      expect(await first.json()).toMatchObject({ duplicate: false });
      const again = await call("/events", all, { method: "POST", json: event });
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ duplicate: true });
      const changed = await call("/events", all, { method: "POST", json: { ...event, at: "2026-03-02T15:00:00Z" } });
      expect(changed.status).toBe(409);
      const denied = await call("/events", readOnly, { method: "POST", json: { ...event, id: "visit-rest-2" } });
      expect(denied.status).toBe(403);
      const invalid = await call("/events", all, { method: "POST", json: { ...event, type: "points.adjusted" } });
      expect(invalid.status).toBe(400);
      expect((await problemOf(invalid)).errors?.map((e) => e.path)).toContain("type");

      const invoices = await call("/invoices", all, {
        method: "POST",
        json: {
          invoices: [1, 2, 3, 4].map((n) => ({
            externalMemberId: "PMS-10000",
            invoiceId: `R-${n}`,
            date: `2026-03-0${n + 2}`,
            status: "paid",
            lines: [{ code: "CLEAN", amount: "100.00" }],
          })),
        },
      });
      expect(await invoices.json()).toMatchObject({ imported: 4, points: 40 });
      expect((await call("/invoices", readOnly, { method: "POST", json: { invoices: [{}] } })).status).toBe(403);

      const ledger: { id: string; why: string; points: number }[] = [];
      let cursor: string | null = null;
      do {
        const res = await call(`/members/${ana.id}/ledger?limit=2${cursor ? `&cursor=${cursor}` : ""}`, readOnly);
        expect(res.status).toBe(200);
        const body = (await res.json()) as { items: typeof ledger; nextCursor: string | null };
        ledger.push(...body.items);
        cursor = body.nextCursor;
      } while (cursor);
      expect(new Set(ledger.map((e) => e.id)).size).toBe(ledger.length);
      expect(ledger.filter((e) => e.why.includes('"Spend"'))).toHaveLength(4);
      expect(ledger.some((e) => e.why.includes('"Visit"'))).toBe(true);
      const balance = (await (await call(`/members/${ana.id}/balance`, readOnly)).json()) as { balance: number };
      expect(balance.balance).toBe(ledger.reduce((s, e) => s + e.points, 0));
      expect((await call(`/members/${ana.id}/ledger?cursor=nonsense`, readOnly)).status).toBe(400);
    });
  });

  describe("rewards, redemptions, coupons", () => {
    it("redeems with an Idempotency-Key: same body same answer, other body 409; uses the coupon", async () => {
      const reward = await admin.catalog.createReward.mutate({
        name: "Rest coupon",
        pointsPrice: 10,
        kind: "coupon",
        couponCode: "REST10",
      });
      const catalog = (await (await call("/rewards", readOnly)).json()) as { items: { id: string }[] };
      expect(catalog.items.map((r) => r.id)).toContain(reward.id);
      const body = { memberId: ana.id, rewardId: reward.id };
      const redeem = (json: unknown, key = "order-1", apiKey = all) =>
        call("/redemptions", apiKey, { method: "POST", json, headers: { "idempotency-key": key } });
      const first = await redeem(body);
      expect(first.status).toBe(201);
      const firstBody = (await first.json()) as { orderId: string };
      const replay = await redeem(body);
      expect(replay.status).toBe(201);
      expect(await replay.json()).toEqual(firstBody);
      const other = (await admin.catalog.createReward.mutate({ name: "Other", pointsPrice: 1, kind: "in_house" })).id;
      const conflict = await redeem({ memberId: ana.id, rewardId: other });
      expect(conflict.status).toBe(409);
      expect(await problemOf(conflict)).toMatchObject({ code: "CONFLICT" });
      expect((await redeem(body, "order-2", readOnly)).status).toBe(403);
      expect((await redeem({ memberId: vetMember.id, rewardId: reward.id }, "order-3")).status).toBe(404);

      const coupons = (await (await call(`/members/${ana.id}/coupons`, readOnly)).json()) as { items: { id: string; coupon: string }[] };
      const coupon = coupons.items.find((c) => c.coupon === "REST10")!;
      expect(coupon).toBeDefined();
      expect((await call(`/coupons/${coupon.id}/use`, readOnly, { method: "POST" })).status).toBe(403);
      const used = await call(`/coupons/${coupon.id}/use`, all, { method: "POST" });
      expect(used.status).toBe(200);
      expect(await used.json()).toMatchObject({ status: "used" });
      expect((await call(`/coupons/${coupon.id}/use`, all, { method: "POST" })).status).toBe(409);
      expect((await call(`/coupons/${coupon.id}/use`, vetKey, { method: "POST" })).status).toBe(404);
    });
  });

  describe("every documented route", () => {
    type Doc = { paths: Record<string, Record<string, { "x-scope": string; requestBody?: unknown }>> };
    const operations = async () => {
      const doc = (await (await h.request("/api/v1/openapi.json")).json()) as Doc;
      return Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
    };
    const fill = (path: string, ids: Record<string, string>) =>
      path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? crypto.randomUUID());

    it("answers 403 to a key without the route's scope, before reading its input", async () => {
      const none = (await admin.apiKeys.create.mutate({ name: "Lines only", scopes: ["line_items:read"] })).key;
      for (const { path, method, op } of await operations()) {
        const res = await call(fill(path, { memberId: ana.id, pmsId: "PMS-10000" }), none, {
          method: method.toUpperCase(),
          ...(op.requestBody ? { json: {} } : {}),
        });
        expect(res.status, `${method} ${path}`).toBe(403);
        const body = (await res.json()) as { code?: string; error?: { code: string } };
        expect(body.code ?? body.error?.code, `${method} ${path}`).toBe("FORBIDDEN");
      }
    });

    it("answers 404 to another practice's ids on every route that takes one", async () => {
      const [coupon] = await h.t.db
        .insert(issuedCoupons)
        .values({
          practiceId: vetMember.practiceId,
          memberId: vetMember.id,
          coupon: "VET",
          issuedAt: new Date(),
          idempotencyKey: "vet-coupon-1",
        })
        .returning();
      const endpoint = await vetAdmin.webhooks.create.mutate({ url: "https://vet.example.com/hooks" });
      const vetIds = { memberId: vetMember.id, couponId: coupon!.id, endpointId: endpoint.id };
      let checked = 0;
      for (const { path, method, op } of await operations()) {
        const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
        if (!names.some((n) => n in vetIds)) continue;
        const body = path.endsWith("/tags")
          ? { add: ["x"] }
          : path.endsWith("/consents")
            ? { kind: "media" }
            : op.requestBody
              ? {}
              : undefined;
        const res = await call(fill(path, vetIds), all, { method: method.toUpperCase(), ...(body ? { json: body } : {}) });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect((await problemOf(res)).code).toBe("NOT_FOUND");
        checked++;
      }
      expect(checked).toBeGreaterThanOrEqual(8);
      // The redemption takes its ids in the body.
      const reward = (await vetAdmin.catalog.createReward.mutate({ name: "Vet toy", pointsPrice: 1, kind: "in_house" })).id;
      expect((await call("/redemptions", all, { method: "POST", json: { memberId: ana.id, rewardId: reward } })).status).toBe(404);
    });

    it("manages webhook endpoints with webhooks:admin: add, list, log, send again, remove", async () => {
      const created = await call("/webhooks/endpoints", all, {
        method: "POST",
        json: { url: "https://pms.example.com/hooks", eventTypes: ["coupon.used"] },
      });
      expect(created.status).toBe(201);
      const ep = (await created.json()) as { id: string; secret: string };
      expect(ep.secret).toMatch(/^whsec_/);
      const list = (await (await call("/webhooks/endpoints", all)).json()) as { items: { id: string; secret?: string }[] };
      expect(list.items.find((e) => e.id === ep.id)).toMatchObject({ id: ep.id });
      expect(list.items.every((e) => e.secret === undefined)).toBe(true);
      const bad = await call("/webhooks/endpoints", all, { method: "POST", json: { url: "not an address", eventTypes: ["nope"] } });
      expect(bad.status).toBe(400);
      expect((await problemOf(bad)).errors?.map((e) => e.path)).toEqual(expect.arrayContaining(["url", "eventTypes.0"]));
      const noLines = (await admin.apiKeys.create.mutate({ name: "Hooks", scopes: ["webhooks:admin"] })).key;
      expect(
        (await call("/webhooks/endpoints", noLines, { method: "POST", json: { url: "https://x.example.com", lineItems: true } })).status,
      ).toBe(403);
      const deliveries = await call(`/webhooks/deliveries?endpointId=${ep.id}`, all);
      expect(await deliveries.json()).toEqual({ items: [] });
      expect((await call(`/webhooks/deliveries/${crypto.randomUUID()}/redeliver`, all, { method: "POST" })).status).toBe(404);
      expect((await call(`/webhooks/endpoints/${ep.id}`, all, { method: "DELETE" })).status).toBe(204);
      expect((await call(`/webhooks/endpoints/${ep.id}`, all, { method: "DELETE" })).status).toBe(404);
    });
  });

  describe("keys", () => {
    it("answers 401 problem+json without a key, with a revoked key, and after a rotation's overlap", async () => {
      expect((await h.request("/api/v1/members")).status).toBe(401);
      const made = await admin.apiKeys.create.mutate({ name: "Temp" });
      expect((await call("/members", made.key)).status).toBe(200);
      await admin.apiKeys.revoke.mutate({ keyId: made.id });
      const revoked = await call("/members", made.key);
      expect(revoked.status).toBe(401);
      expect(await problemOf(revoked)).toMatchObject({ code: "UNAUTHORIZED" });

      const old = await admin.apiKeys.create.mutate({ name: "Rotating", scopes: ["members:read"] });
      const rotated = await admin.apiKeys.rotate.mutate({ keyId: old.id, overlapHours: 1 });
      expect(rotated.scopes).toEqual(["members:read"]);
      expect((await call("/members", old.key)).status).toBe(200);
      expect((await call("/members", rotated.key)).status).toBe(200);
      const now = await admin.apiKeys.rotate.mutate({ keyId: rotated.id, overlapHours: 0 });
      expect((await call("/members", rotated.key)).status).toBe(401);
      expect((await call("/members", now.key)).status).toBe(200);
      const listed = (await admin.apiKeys.list.query()).find((k) => k.id === old.id)!;
      expect(listed.lastUsedAt).not.toBeNull();
    });

    it("limits each key per minute with RateLimit headers", async () => {
      const limited = await admin.apiKeys.create.mutate({ name: "Slow", scopes: ["members:read"], rateLimitPerMinute: 2 });
      const a = await call("/rewards", limited.key);
      expect(a.headers.get("ratelimit-policy")).toBe('"per-key";q=2;w=60');
      expect(a.headers.get("ratelimit")).toMatch(/^"per-key";r=1;t=\d+$/);
      expect((await call("/rewards", limited.key)).status).toBe(200);
      const over = await call("/rewards", limited.key);
      expect(over.status).toBe(429);
      expect(await problemOf(over)).toMatchObject({ code: "RATE_LIMITED" });
      expect(over.headers.get("retry-after")).toMatch(/^\d+$/);
      // Another key is not slowed by it.
      expect((await call("/rewards", readOnly)).status).toBe(200);
    });
  });
  describe("contract", () => {
    it("every answer the tests saw matches the document's schema for its route and status", async () => {
      type Route = { method: string; path: string; responses: Record<string, { content?: Record<string, { schema: z.ZodType }> }> };
      const routes = restApi(h.app.deps)
        .openAPIRegistry.definitions.filter((d) => d.type === "route")
        .map((d) => (d as unknown as { route: Route }).route)
        .map((r) => ({ ...r, pattern: new RegExp(`^${r.path.replace(/\{\w+\}/g, "[^/]+")}$`) }));
      let checked = 0;
      for (const s of seen) {
        const route = routes.find((r) => r.method === s.method && r.pattern.test(s.path));
        expect(route, `${s.method} ${s.path}`).toBeDefined();
        const schema = route!.responses[String(s.status)]?.content?.[s.type]?.schema;
        expect(schema, `${s.method} ${s.path} ${s.status} ${s.type}`).toBeDefined();
        const result = schema!.safeParse(s.body);
        expect(result.success ? [] : result.error.issues, `${s.method} ${s.path} ${s.status}`).toEqual([]);
        checked++;
      }
      expect(checked).toBeGreaterThan(60);
      const statuses = new Set(seen.map((s) => s.status));
      for (const status of [200, 201, 400, 403, 404, 409]) expect(statuses).toContain(status);
    });
  });
});
