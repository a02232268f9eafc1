// The contract from the outside: the TypeScript types generated from the OpenAPI document are the
// committed ones (openapi-types.ts; UPDATE_OPENAPI_TYPES=1 rewrites them), and a client built on
// them (openapi-fetch) runs an integration's day against the server listening on a port.
import { readFile, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import createClient from "openapi-fetch";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/harness.ts";
import type { paths } from "./openapi-types.ts";

const typesFile = new URL("./openapi-types.ts", import.meta.url);
const header = "// Generated from /api/v1/openapi.json by client.test.ts (UPDATE_OPENAPI_TYPES=1): do not edit.\n";

describe("a client generated from the OpenAPI document", () => {
  let h: Harness;
  let server: ReturnType<typeof serve>;
  let baseUrl: string;
  let key: string;

  beforeAll(async () => {
    h = await createHarness();
    const admin = await h.staff("admin");
    await admin.rules.save.mutate({ source: 'earn "Spend" on invoice.paid {\n  rate 1 point per $10\n  items all\n}', publish: true });
    await admin.catalog.createReward.mutate({ name: "Whitening", pointsPrice: 20, kind: "coupon", couponCode: "WHITE" });
    key = (await admin.apiKeys.create.mutate({ name: "PMS" })).key;
    server = serve({ fetch: h.app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise((r) => server.once("listening", r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  afterAll(async () => {
    server?.close();
    await h?.dispose();
  });

  it("has the committed types", async () => {
    const doc = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as Parameters<typeof openapiTS>[0];
    const generated = header + astToString(await openapiTS(doc));
    if (process.env.UPDATE_OPENAPI_TYPES) await writeFile(typesFile, generated);
    expect(await readFile(typesFile, "utf8")).toBe(generated);
  });

  it("runs an integration's day: patient, invoices, balance, ledger, redemption, coupon", async () => {
    const api = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${key}` } });

    const upsert = await api.PUT("/members/{pmsId}", {
      params: { path: { pmsId: "OD-4411" } },
      body: { firstName: "Rosa", lastName: "Diaz", email: "rosa@example.com", birthDate: "1985-07-09" },
    });
    expect(upsert.response.status).toBe(201);
    const memberId = upsert.data!.member.id;

    const found = await api.GET("/members", { params: { query: { q: "Rosa Diaz", limit: 10 } } });
    expect(found.data!.items.map((m) => m.id)).toEqual([memberId]);

    const posted = await api.POST("/invoices", {
      body: {
        invoices: [
          {
            externalMemberId: "OD-4411",
            invoiceId: "OD-P-1",
            date: "2026-03-01",
            status: "paid",
            lines: [{ code: "D1110", amount: "180.00" }],
          },
          {
            externalMemberId: "OD-4411",
            invoiceId: "OD-P-2",
            date: "2026-03-02",
            status: "paid",
            lines: [{ code: "D0274", amount: "70.00" }],
          },
          { externalMemberId: "OD-4411", invoiceId: "OD-P-2", date: "2026-03-03", status: "voided" },
        ],
      },
    });
    expect(posted.data).toMatchObject({ imported: 3 });

    const balance = await api.GET("/members/{memberId}/balance", { params: { path: { memberId } } });
    expect(balance.data!.balance).toBe(18);
    const ledger = await api.GET("/members/{memberId}/ledger", { params: { path: { memberId }, query: { limit: 50 } } });
    expect(ledger.data!.items.map((e) => e.kind).sort()).toEqual(["earn", "earn", "reversal"]);
    expect(ledger.data!.items.every((e) => e.why.length > 0)).toBe(true);

    const rewards = await api.GET("/rewards");
    const whitening = rewards.data!.items.find((r) => r.name === "Whitening")!;
    expect(
      (await api.POST("/redemptions", { body: { memberId, rewardId: whitening.id }, params: { header: { "idempotency-key": "d-1" } } }))
        .error,
    ).toMatchObject({
      code: "INSUFFICIENT_POINTS",
    });

    await api.POST("/invoices", {
      body: {
        invoices: [
          {
            externalMemberId: "OD-4411",
            invoiceId: "OD-P-3",
            date: "2026-03-04",
            status: "paid",
            lines: [{ code: "D1110", amount: "40.00" }],
          },
        ],
      },
    });
    const redeemed = await api.POST("/redemptions", {
      body: { memberId, rewardId: whitening.id },
      params: { header: { "idempotency-key": "d-2" } },
    });
    expect(redeemed.response.status).toBe(201);
    const coupons = await api.GET("/members/{memberId}/coupons", { params: { path: { memberId }, query: {} } });
    const coupon = coupons.data!.items.find((c) => c.coupon === "WHITE")!;
    const used = await api.POST("/coupons/{couponId}/use", { params: { path: { couponId: coupon.id } } });
    expect(used.data).toMatchObject({ status: "used" });

    const event = await api.POST("/events", {
      body: {
        id: "od-review-1",
        type: "review.posted",
        at: "2026-03-05T10:00:00Z",
        member: memberId,
        review: { rating: 5, platform: "google" },
      },
    });
    expect(event.response.status).toBe(201);
  });
});
