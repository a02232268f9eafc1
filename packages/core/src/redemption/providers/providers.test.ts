// The Tremendous and Tango Card adapters against local fakes of their HTTP APIs, alone and behind
// the gift-card outbox with each practice's provider from its settings (credentials encrypted):
// an order placed twice is issued once, a timeout after issuing does not issue a second card, the
// provider's errors and rate limits are answered, and a failing provider ends in a refund staff see.
import { randomBytes } from "node:crypto";
import { orders } from "@tally/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReward } from "../../catalog/rewards.ts";
import { adjustPoints } from "../../ledger/adjust-points.ts";
import { ledgerSum } from "../../ledger/append.ts";
import { decryptSecret, encryptSecret, secretsKeyVariable } from "../../messages/secrets.ts";
import { getMessagingSettings, giftCardProviderFor, updateMessagingSettings } from "../../messages/settings.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../../testing.ts";
import { fulfilPendingGiftCards } from "../gift-card-outbox.ts";
import type { GiftCardOrder } from "../gift-cards.ts";
import { listOrderQueue } from "../list-order-queue.ts";
import { redeemReward } from "../redeem-reward.ts";
import { type FakeServer, fakeTango, fakeTremendous } from "./fake-servers.ts";
import { ProviderError } from "./http.ts";
import { tangoGiftCards } from "./tango.ts";
import { tremendousGiftCards } from "./tremendous.ts";

const order = (id: string, sku: string, valueCents = 2500): GiftCardOrder => ({
  orderId: id,
  sku,
  valueCents,
  recipient: { name: "Ana María López", email: "ana@example.com" },
});

describe("Tremendous adapter (REST v2 fake)", () => {
  let fake: FakeServer;
  beforeAll(async () => {
    fake = await fakeTremendous();
  });
  afterAll(() => fake.close());
  const client = (timeoutMs = 2_000) =>
    tremendousGiftCards({ apiKey: "TEST_tremendous", fundingSourceId: "balance", baseUrl: fake.url }, { timeoutMs });

  it("issues a card with a claim link; the same order placed twice is issued once", async () => {
    const a = await client().issue(order("order-1", "OKMHM2X2OHYV"));
    expect(a).toMatchObject({ provider: "tremendous", claimUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/rewards\/RW/) });
    const b = await client().issue(order("order-1", "OKMHM2X2OHYV"));
    expect(b).toEqual(a);
    expect(fake.issued.get("order-1")).toBe(1);
  });

  it("a timeout after the card was issued, then a retry: one card, the same link", async () => {
    fake.slowNext(1, 600);
    await expect(client(150).issue(order("order-2", "OKMHM2X2OHYV"))).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 700));
    const again = await client().issue(order("order-2", "OKMHM2X2OHYV"));
    expect(again.claimUrl).toMatch(/\/rewards\/RW/);
    expect(fake.issued.get("order-2")).toBe(1);
  });

  it("answers the provider's errors: a refused product is final, a 5xx or 429 may pass later, a bad key says so", async () => {
    const refused = await client()
      .issue(order("order-3", "NOPE"))
      .catch((e) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ status: 422, retryable: false, message: "Tremendous: Product NOPE is not available (HTTP 422)" });
    fake.failNext(1, 503);
    expect(
      await client()
        .issue(order("order-4", "OKMHM2X2OHYV"))
        .catch((e) => e),
    ).toMatchObject({ status: 503, retryable: true });
    const bad = tremendousGiftCards({ apiKey: "wrong", fundingSourceId: "balance", baseUrl: fake.url });
    expect(await bad.issue(order("order-5", "OKMHM2X2OHYV")).catch((e) => e)).toMatchObject({
      status: 401,
      message: expect.stringContaining("invalid API key"),
    });
    expect(fake.issued.has("order-4")).toBe(false);
  });

  it("rate limited (429): the error says so and may be retried", async () => {
    const limited = await fakeTremendous({ ratePerSecond: 1 });
    try {
      const c = tremendousGiftCards({ apiKey: "TEST_tremendous", fundingSourceId: "balance", baseUrl: limited.url });
      await c.issue(order("r-1", "OKMHM2X2OHYV"));
      expect(await c.issue(order("r-2", "OKMHM2X2OHYV")).catch((e) => e)).toMatchObject({
        status: 429,
        retryable: true,
        retryAfterSeconds: 1,
      });
    } finally {
      await limited.close();
    }
  });

  it("lists the products a reward's SKU is chosen from, with their brand, currency and values", async () => {
    expect(await client().products()).toEqual([
      {
        id: "OKMHM2X2OHYV",
        name: "Amazon.com",
        brand: "Amazon.com",
        currency: "USD",
        denominations: null,
        minCents: 500,
        maxCents: 20_000,
      },
      {
        id: "KV934TZ93NQM",
        name: "Brand KV934TZ93NQM",
        brand: "Brand KV934TZ93NQM",
        currency: "USD",
        denominations: [2500, 5000],
        minCents: null,
        maxCents: null,
      },
    ]);
  });
});

describe("Tango Card adapter (RaaS v2 fake)", () => {
  let fake: Awaited<ReturnType<typeof fakeTango>>;
  const creds = () => ({
    platformName: "tally",
    platformKey: "key",
    accountIdentifier: "acct",
    customerIdentifier: "cust",
    baseUrl: fake.url,
  });
  beforeAll(async () => {
    fake = await fakeTango({ minIntervalMs: 300 });
  });
  afterAll(() => fake.close());

  it("issues the claim code and link from reward.credentialList, and keeps to the provider's order rate", async () => {
    const c = tangoGiftCards(creds(), { minIntervalMs: 300 });
    const [a, b] = await Promise.all([c.issue(order("t-1", "U561593")), c.issue(order("t-2", "U666425"))]);
    expect(a).toMatchObject({
      provider: "tango",
      claimCode: expect.stringMatching(/^[0-9A-F]{16}$/),
      claimUrl: expect.stringContaining("/redeem/RA"),
    });
    expect(b.claimCode).not.toBe(a.claimCode);
    expect(fake.tooFast).toBe(0);
    const posts = fake.requests.filter((r) => r.method === "POST");
    expect(posts.at(-1)!.at - posts.at(-2)!.at).toBeGreaterThanOrEqual(290);
  });

  it("the same order placed twice is issued once (the duplicate externalRefID is read back)", async () => {
    const c = tangoGiftCards(creds(), { minIntervalMs: 300 });
    const a = await c.issue(order("t-3", "U561593"));
    const b = await c.issue(order("t-3", "U561593"));
    expect(b).toEqual(a);
    expect(fake.issued.get("t-3")).toBe(1);
  });

  it("a timeout after issuing, then a retry: the same card", async () => {
    fake.slowNext(1, 700);
    await expect(tangoGiftCards(creds(), { minIntervalMs: 300, timeoutMs: 150 }).issue(order("t-4", "U561593"))).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 800));
    const again = await tangoGiftCards(creds(), { minIntervalMs: 300 }).issue(order("t-4", "U561593"));
    expect(again.claimCode).toMatch(/^[0-9A-F]{16}$/);
    expect(fake.issued.get("t-4")).toBe(1);
  });

  it("a 429 from a second client is waited out once; an unknown utid is refused for good", async () => {
    const one = tangoGiftCards(creds(), { minIntervalMs: 0 });
    const two = tangoGiftCards(creds(), { minIntervalMs: 0 });
    await new Promise((r) => setTimeout(r, 400)); // past the previous test's last order
    const tooFastBefore = fake.tooFast;
    const [a, b] = await Promise.all([one.issue(order("t-5", "U561593")), two.issue(order("t-6", "U561593"))]);
    expect(a.claimCode).not.toBe(b.claimCode);
    expect(fake.tooFast).toBeGreaterThan(tooFastBefore);
    expect(await one.issue(order("t-7", "U000000")).catch((e) => e)).toMatchObject({
      status: 400,
      retryable: false,
      message: expect.stringContaining("not in the catalog"),
    });
    expect(await one.products()).toEqual([
      { id: "U561593", name: "Gift card U561593", brand: "Gift", currency: "USD", denominations: null, minCents: 100, maxCents: 50_000 },
      { id: "U666425", name: "Gift card U666425", brand: "Gift", currency: "USD", denominations: [2500], minCents: null, maxCents: null },
    ]);
  });
});

describe("credentials at rest", () => {
  it("AES-256-GCM: round trip, a fresh IV each time, tampering detected, no key = a clear refusal", () => {
    const key = randomBytes(32);
    const a = encryptSecret({ apiKey: "secret" }, key);
    expect(a).not.toContain("secret");
    expect(encryptSecret({ apiKey: "secret" }, key)).not.toBe(a);
    expect(decryptSecret(a, key)).toEqual({ apiKey: "secret" });
    const parts = a.split(".");
    parts[3] = Buffer.from("x".repeat(20)).toString("base64url");
    expect(() => decryptSecret(parts.join("."), key)).toThrow();
    expect(() => encryptSecret({}, null)).toThrow(/TALLY_SECRETS_KEY/);
  });
});

describe("the outbox with each practice's provider", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let tremendous: FakeServer;
  let tango: Awaited<ReturnType<typeof fakeTango>>;
  const saved = process.env[secretsKeyVariable];
  const opts = { timeoutMs: 400, backoffMs: 1_000, maxBackoffMs: 4_000, maxAttempts: 3 };

  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    tremendous = await fakeTremendous();
    tango = await fakeTango({ minIntervalMs: 1_000 });
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env[secretsKeyVariable];
    else process.env[secretsKeyVariable] = saved;
    await tremendous.close();
    await tango.close();
    await t?.dispose();
  });

  async function redeemed(name: string, sku: string) {
    const reward = await createReward({
      ctx: p.admin,
      input: { kind: "gift_card", name: `$10 card ${name}`, pointsPrice: 100, valueCents: 1000, providerSku: sku },
    });
    const [m] = await makeMembers(t, p.id, [{ firstName: name, lastName: "Card", email: `${name.toLowerCase()}@example.com` }]);
    await adjustPoints({ ctx: p.team, input: { memberId: m!.id, points: 500, note: "start" } });
    const r = await redeemReward({ ctx: p.team, input: { memberId: m!.id, rewardId: reward.id } });
    return { memberId: m!.id, orderId: r.orderId };
  }
  const resolve = (practiceId: string) => giftCardProviderFor(t.db, practiceId);

  it("without the key only the sandbox can be chosen, with a clear message", async () => {
    delete process.env[secretsKeyVariable];
    await expect(
      updateMessagingSettings({
        ctx: p.admin,
        input: { giftCard: { provider: "tremendous", credentials: { apiKey: "k", fundingSourceId: "balance" } } },
      }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("TALLY_SECRETS_KEY") });
    expect(await getMessagingSettings({ ctx: p.admin })).toMatchObject({ giftCardProvider: "sandbox", secretsAvailable: false });
    await expect(updateMessagingSettings({ ctx: p.team, input: { giftCard: { provider: "sandbox" } } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("Tremendous chosen in settings: the credentials are stored encrypted and never answered; a timeout after issuing issues one card", async () => {
    process.env[secretsKeyVariable] = randomBytes(32).toString("base64");
    const settings = await updateMessagingSettings({
      ctx: p.admin,
      input: {
        giftCard: {
          provider: "tremendous",
          credentials: { apiKey: "TEST_tremendous", fundingSourceId: "balance", baseUrl: tremendous.url },
        },
      },
    });
    expect(settings).toMatchObject({ giftCardProvider: "tremendous", giftCardConfigured: true });
    expect(JSON.stringify(settings)).not.toContain("TEST_tremendous");
    const { orderId } = await redeemed("Tia", "OKMHM2X2OHYV");
    tremendous.slowNext(1, 900);
    let clock = Date.now();
    expect(await fulfilPendingGiftCards(t.db, resolve, { ...opts, now: () => new Date(clock) })).toMatchObject({ retrying: 1 });
    await new Promise((r) => setTimeout(r, 1_000));
    clock += 60_000;
    expect(await fulfilPendingGiftCards(t.db, resolve, { ...opts, now: () => new Date(clock) })).toMatchObject({ fulfilled: 1 });
    expect(tremendous.issued.get(orderId)).toBe(1);
    const [o] = await t.db.select().from(orders).where(eq(orders.id, orderId));
    expect(o!.fulfilment).toMatchObject({ provider: "tremendous", claimUrl: expect.stringContaining("/rewards/RW") });
  });

  it("Tango chosen: a provider failing every time ends in a refund that staff see in Orders", async () => {
    await updateMessagingSettings({
      ctx: p.admin,
      input: {
        giftCard: {
          provider: "tango",
          credentials: {
            platformName: "tally",
            platformKey: "key",
            accountIdentifier: "acct",
            customerIdentifier: "cust",
            baseUrl: tango.url,
          },
        },
      },
    });
    const { orderId, memberId } = await redeemed("Uma", "U561593");
    tango.failNext(10, 503);
    let clock = Date.now();
    for (let i = 0; i < opts.maxAttempts; i++) {
      await fulfilPendingGiftCards(t.db, resolve, { ...opts, now: () => new Date(clock) });
      clock += 60_000;
      await new Promise((r) => setTimeout(r, 1_050));
    }
    expect(tango.issued.has(orderId)).toBe(false);
    expect(await ledgerSum(t.db, p.id, memberId)).toBe(500);
    const queue = await listOrderQueue({ ctx: p.team, input: { memberId } });
    expect(queue[0]).toMatchObject({
      id: orderId,
      status: "cancelled",
      note: expect.stringMatching(/could not be issued after 3 attempts: Tango Card: Service unavailable \(HTTP 503\)/),
    });
  }, 20_000);
});
