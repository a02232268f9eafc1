import { seedDemo } from "@tally/core/seed";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieValue, createApp } from "./app.ts";
import { createLogger } from "./logger.ts";

describe("HTTP surface", () => {
  let t: TestDatabase;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    t = await createTestDatabase();
    await seedDemo(t.db, { members: 5 });
    app = createApp({ database: t, log: createLogger("silent") });
  });
  afterAll(async () => t?.dispose());

  it("reports a reachable database on /health", async () => {
    const res = await app.request("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", database: { kind: t.kind, reachable: true } });
  });

  it("serves public practice facts over tRPC and maps a missing practice to 404", async () => {
    const ok = await app.request(`/trpc/practice.public?input=${encodeURIComponent(JSON.stringify({ slug: "bright-smiles" }))}`);
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { result: { data: { name: string; status: string } } };
    expect(body.result.data).toMatchObject({ name: "Bright Smiles Orthodontics", status: "on" });

    const missing = await app.request(`/trpc/practice.public?input=${encodeURIComponent(JSON.stringify({ slug: "nowhere" }))}`);
    expect(missing.status).toBe(404);
    const err = (await missing.json()) as { error: { message: string; data: { appCode: string } } };
    expect(err.error.data.appCode).toBe("NOT_FOUND");
    expect(err.error.message).toBe("No practice with that address.");
  });

  it("reads one cookie from a Cookie header", () => {
    const header = "theme=dark; tally_staff=s_abc%3D; tally_member=m_1";
    expect(cookieValue(header, "tally_staff")).toBe("s_abc=");
    expect(cookieValue(header, "tally_member")).toBe("m_1");
    expect(cookieValue(header, "tally")).toBeUndefined();
    expect(cookieValue(undefined, "tally_staff")).toBeUndefined();
    expect(cookieValue("tally_staff=%E0%A4%A", "tally_staff")).toBe("%E0%A4%A");
  });

  it("sends the same security headers on every kind of response", async () => {
    const responses = [
      await app.request("/health"),
      // tRPC's fetch adapter: a single call, a batch, and a wrong method.
      await app.request(`/trpc/practice.public?input=${encodeURIComponent(JSON.stringify({ slug: "bright-smiles" }))}`),
      await app.request(`/trpc/practice.public?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { slug: "bright-smiles" } }))}`),
      await app.request("/trpc/practice.public", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
    ];
    for (const res of responses) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("content-security-policy")).toBe("frame-ancestors 'none'");
      expect(res.headers.get("x-powered-by")).toBeNull();
    }
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 405]);
  });
});
