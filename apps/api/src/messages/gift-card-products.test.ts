// The reward form's product picker through the API, against the local fakes of Tremendous and
// Tango Card over HTTP: Settings chooses the provider with its base URL (https only, http for
// localhost), catalog.giftCardProducts lists that provider's products with brand, currency and
// allowed values (admins only), and a reward's face value outside them is refused.
import { randomBytes } from "node:crypto";
import { secretsKeyVariable } from "@tally/core";
import { type FakeServer, fakeTango, fakeTremendous } from "@tally/core/fakes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/harness.ts";

describe("catalog.giftCardProducts", () => {
  let h: Harness;
  let tremendous: FakeServer;
  let tango: Awaited<ReturnType<typeof fakeTango>>;
  const saved = process.env[secretsKeyVariable];

  beforeAll(async () => {
    process.env[secretsKeyVariable] = randomBytes(32).toString("base64");
    h = await createHarness();
    tremendous = await fakeTremendous();
    tango = await fakeTango();
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env[secretsKeyVariable];
    else process.env[secretsKeyVariable] = saved;
    await h?.dispose();
    await tremendous?.close();
    await tango?.close();
  });

  it("the sandbox, then Tremendous and Tango from Settings: each provider's products; a value outside them is refused", async () => {
    const admin = await h.staff("admin");
    const team = await h.staff("team_member");
    const sandbox = await admin.catalog.giftCardProducts.query();
    expect(sandbox.provider).toBe("sandbox");
    expect(sandbox.products.find((p) => p.id === "SBUX-5")).toMatchObject({
      brand: "Starbucks",
      currency: "USD",
      denominations: [500, 1000, 2500],
    });
    await expect(team.catalog.giftCardProducts.query()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });

    // An http:// address that is not this machine is refused.
    await expect(
      admin.messages.updateSettings.mutate({
        giftCard: {
          provider: "tremendous",
          credentials: { apiKey: "TEST_tremendous", fundingSourceId: "balance" },
          baseUrl: "http://testflight.tremendous.com/api/v2/",
        },
      }),
    ).rejects.toThrow(/https/);
    const settings = await admin.messages.updateSettings.mutate({
      giftCard: { provider: "tremendous", credentials: { apiKey: "TEST_tremendous", fundingSourceId: "balance" }, baseUrl: tremendous.url },
    });
    expect(settings).toMatchObject({ giftCardProvider: "tremendous", giftCardBaseUrl: tremendous.url });
    const t = await admin.catalog.giftCardProducts.query();
    expect(t).toMatchObject({ provider: "tremendous" });
    expect(t.products.map((p) => [p.id, p.brand, p.currency, p.denominations, p.minCents, p.maxCents])).toEqual([
      ["OKMHM2X2OHYV", "Amazon.com", "USD", null, 500, 20_000],
      ["KV934TZ93NQM", "Brand KV934TZ93NQM", "USD", [2500, 5000], null, null],
    ]);
    await expect(
      admin.catalog.createReward.mutate({
        kind: "gift_card",
        name: "$30 card",
        pointsPrice: 900,
        valueCents: 3000,
        providerSku: "KV934TZ93NQM",
      }),
    ).rejects.toThrow("Brand KV934TZ93NQM comes in $25, $50 only.");
    expect(
      await admin.catalog.createReward.mutate({
        kind: "gift_card",
        name: "$50 card",
        pointsPrice: 1500,
        valueCents: 5000,
        providerSku: "KV934TZ93NQM",
      }),
    ).toMatchObject({ providerSku: "KV934TZ93NQM" });

    await admin.messages.updateSettings.mutate({
      giftCard: {
        provider: "tango",
        credentials: { platformName: "tally", platformKey: "key", accountIdentifier: "a", customerIdentifier: "c" },
        baseUrl: tango.url,
      },
    });
    const g = await admin.catalog.giftCardProducts.query({ refresh: true });
    expect(g).toMatchObject({ provider: "tango" });
    expect(g.products.map((p) => [p.id, p.denominations, p.minCents, p.maxCents])).toEqual([
      ["U561593", null, 100, 50_000],
      ["U666425", [2500], null, null],
    ]);
    expect(tango.requests.filter((r) => r.path === "/raas/v2/catalogs")).toHaveLength(1);
  });
});
