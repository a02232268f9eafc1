// The reward form's product picker and the face-value check: each provider's catalog (the
// sandbox's list, Tremendous products and Tango catalog items from their local fakes) in one shape
// with brand, currency and allowed values, read through the practice's provider and kept a few
// minutes; a gift-card reward's value is checked against its product; the provider's base URL is
// https (http only on localhost), stored with the credentials and changeable on its own.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReward, updateReward } from "../catalog/rewards.ts";
import { secretsKeyVariable } from "../messages/secrets.ts";
import { getMessagingSettings, giftCardProviderFor, updateMessagingSettings } from "../messages/settings.ts";
import { createTestDatabase, makePractice, type TestDatabase } from "../testing.ts";
import { faceValueProblem, listGiftCardProducts } from "./gift-card-catalog.ts";
import { sandboxProducts } from "./gift-cards.ts";
import { type FakeServer, fakeTango, fakeTremendous } from "./providers/fake-servers.ts";
import { tremendousProduction, tremendousSandbox } from "./providers/tremendous.ts";

describe("gift card catalog", () => {
  let t: TestDatabase;
  let tremendous: FakeServer;
  let tango: Awaited<ReturnType<typeof fakeTango>>;
  const saved = process.env[secretsKeyVariable];

  beforeAll(async () => {
    process.env[secretsKeyVariable] = randomBytes(32).toString("base64");
    t = await createTestDatabase();
    tremendous = await fakeTremendous();
    tango = await fakeTango();
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env[secretsKeyVariable];
    else process.env[secretsKeyVariable] = saved;
    await tremendous.close();
    await tango.close();
    await t?.dispose();
  });

  const card = (sku: string, valueCents: number) =>
    ({ kind: "gift_card", name: `Card ${sku} ${valueCents}`, pointsPrice: 100, valueCents, providerSku: sku }) as const;

  it("the sandbox's list; a value its product does not come in is refused; admins only", async () => {
    const p = await makePractice(t);
    const list = await listGiftCardProducts({ ctx: p.admin });
    expect(list.provider).toBe("sandbox");
    expect(list.products).toEqual(sandboxProducts);
    await expect(createReward({ ctx: p.admin, input: card("SBUX-5", 700) })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: "Starbucks comes in $5, $10, $25 only.",
    });
    expect(await createReward({ ctx: p.admin, input: card("SBUX-5", 1000) })).toMatchObject({ providerSku: "SBUX-5", valueCents: 1000 });
    await expect(createReward({ ctx: p.admin, input: card("AMZN-10", 60_000) })).rejects.toMatchObject({
      message: "Amazon goes up to $500.",
    });
    // The sandbox issues any id: one it does not list is not refused.
    expect(await createReward({ ctx: p.admin, input: card("CUSTOM-1", 1234) })).toMatchObject({ providerSku: "CUSTOM-1" });
    await expect(listGiftCardProducts({ ctx: p.team })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("Tremendous (fake): its products, kept a few minutes (refresh asks again); rewards checked against them, on update too", async () => {
    const p = await makePractice(t);
    await updateMessagingSettings({
      ctx: p.admin,
      input: {
        giftCard: {
          provider: "tremendous",
          credentials: { apiKey: "TEST_tremendous", fundingSourceId: "balance", baseUrl: tremendous.url },
        },
      },
    });
    const asked = () => tremendous.requests.filter((r) => r.path === "/api/v2/products").length;
    const before = asked();
    const list = await listGiftCardProducts({ ctx: p.admin });
    expect(list.provider).toBe("tremendous");
    expect(list.products.map((x) => [x.id, x.brand, x.currency, x.denominations, x.minCents, x.maxCents])).toEqual([
      ["OKMHM2X2OHYV", "Amazon.com", "USD", null, 500, 20_000],
      ["KV934TZ93NQM", "Brand KV934TZ93NQM", "USD", [2500, 5000], null, null],
    ]);
    await listGiftCardProducts({ ctx: p.admin });
    expect(asked()).toBe(before + 1);
    await listGiftCardProducts({ ctx: p.admin, input: { refresh: true } });
    expect(asked()).toBe(before + 2);

    await expect(createReward({ ctx: p.admin, input: card("KV934TZ93NQM", 3000) })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: "Brand KV934TZ93NQM comes in $25, $50 only.",
    });
    await expect(createReward({ ctx: p.admin, input: card("NOT-LISTED", 2500) })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: "NOT-LISTED is not in the tremendous catalog.",
    });
    const ok = await createReward({ ctx: p.admin, input: card("KV934TZ93NQM", 5000) });
    await expect(updateReward({ ctx: p.admin, input: { id: ok.id, valueCents: 4000 } })).rejects.toMatchObject({
      message: "Brand KV934TZ93NQM comes in $25, $50 only.",
    });
    expect(await updateReward({ ctx: p.admin, input: { id: ok.id, providerSku: "OKMHM2X2OHYV", valueCents: 4000 } })).toMatchObject({
      providerSku: "OKMHM2X2OHYV",
      valueCents: 4000,
    });
    // A change that touches neither product nor value does not ask the provider.
    const n = asked();
    await updateReward({ ctx: p.admin, input: { id: ok.id, name: "Renamed" } });
    expect(asked()).toBe(n);
  });

  it("Tango (fake): its catalog items by utid, fixed and variable values", async () => {
    const p = await makePractice(t);
    await updateMessagingSettings({
      ctx: p.admin,
      input: {
        giftCard: {
          provider: "tango",
          credentials: { platformName: "tally", platformKey: "key", accountIdentifier: "a", customerIdentifier: "c", baseUrl: tango.url },
        },
      },
    });
    const list = await listGiftCardProducts({ ctx: p.admin });
    expect(list).toMatchObject({ provider: "tango" });
    expect(list.products.map((x) => [x.id, x.brand, x.denominations, x.minCents, x.maxCents])).toEqual([
      ["U561593", "Gift", null, 100, 50_000],
      ["U666425", "Gift", [2500], null, null],
    ]);
    await expect(createReward({ ctx: p.admin, input: card("U666425", 1000) })).rejects.toMatchObject({
      message: "Gift comes in $25 only.",
    });
    expect(await createReward({ ctx: p.admin, input: card("U561593", 1050) })).toMatchObject({ valueCents: 1050 });
    expect(faceValueProblem(list.products[0]!, 50)).toBe("Gift starts at $1");
  });

  it("a provider that cannot be reached: the picker says so", async () => {
    const p = await makePractice(t);
    await updateMessagingSettings({
      ctx: p.admin,
      input: {
        giftCard: { provider: "tremendous", credentials: { apiKey: "wrong-key", fundingSourceId: "balance", baseUrl: tremendous.url } },
      },
    });
    await expect(listGiftCardProducts({ ctx: p.admin })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("invalid API key"),
    });
  });

  it("the base URL: https only (http for localhost), stored with the credentials, changed alone or reset to production", async () => {
    const p = await makePractice(t);
    const creds = { apiKey: "TEST_tremendous", fundingSourceId: "balance" };
    await expect(
      updateMessagingSettings({
        ctx: p.admin,
        input: { giftCard: { provider: "tremendous", credentials: { ...creds, baseUrl: "http://testflight.tremendous.com/api/v2/" } } },
      }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(
      updateMessagingSettings({
        ctx: p.admin,
        input: { giftCard: { provider: "tremendous", credentials: creds, baseUrl: "ftp://x.example" } },
      }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    const s = await updateMessagingSettings({
      ctx: p.admin,
      input: { giftCard: { provider: "tremendous", credentials: creds, baseUrl: tremendousSandbox } },
    });
    expect(s).toMatchObject({ giftCardBaseUrl: tremendousSandbox, giftCardBaseUrls: { tremendous: { production: tremendousProduction } } });
    expect(JSON.stringify(s)).not.toContain("TEST_tremendous");
    // Only the address changes: the stored key still works against it (the local fake).
    await updateMessagingSettings({ ctx: p.admin, input: { giftCard: { provider: "tremendous", baseUrl: tremendous.url } } });
    expect((await getMessagingSettings({ ctx: p.admin })).giftCardBaseUrl).toBe(tremendous.url);
    const provider = await giftCardProviderFor(t.db, p.id);
    expect((await provider.products!()).map((x) => x.id)).toContain("OKMHM2X2OHYV");
    await updateMessagingSettings({ ctx: p.admin, input: { giftCard: { provider: "tremendous", baseUrl: null } } });
    expect((await getMessagingSettings({ ctx: p.admin })).giftCardBaseUrl).toBeNull();
  });
});
