import { seedDemo } from "@tally/core/seed";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "./app.ts";
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

  it("sends security headers", async () => {
    const res = await app.request("/health");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });
});
