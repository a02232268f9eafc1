// Through the API: a gift-card redemption answers `pending` at once (the provider is not called
// inside it) and the job runner's next run issues the card, with the order id as idempotency key;
// the patient's email with the claim code goes out once (sent directly, or as a job with the card's record).
import {
  adjustPoints,
  createReward,
  type GiftCardProvider,
  redeemReward,
  sandboxGiftCards,
  setGiftCardProvider,
  systemCtx,
} from "@tally/core";
import { seedDemo } from "@tally/core/seed";
import { devMailbox, memberBalances, members, practices } from "@tally/db";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeps } from "../app.ts";
import { createLogger } from "../logger.ts";
import { createHarness, type Harness } from "../testing/harness.ts";
import type { AppDeps } from "../trpc/context.ts";
import { runGiftCardOutbox } from "./gift-card-outbox.ts";

describe("gift-card outbox through the API", () => {
  let h: Harness;
  const seen: string[] = [];
  const provider: GiftCardProvider = {
    name: "recording",
    async issue(order) {
      seen.push(order.orderId);
      return sandboxGiftCards.issue(order);
    },
  };
  beforeAll(async () => {
    h = await createHarness();
    setGiftCardProvider(provider);
  });
  afterAll(async () => {
    setGiftCardProvider(sandboxGiftCards);
    await h?.dispose();
  });

  it("redeems as pending, then the job issues the card once", async () => {
    const admin = await h.staff("admin");
    const team = await h.staff("team_member");
    const [ana] = await h.t.db
      .select()
      .from(members)
      .where(and(eq(members.practiceId, h.practiceIds["bright-smiles"]!), eq(members.firstName, "Ana")));
    await team.ledger.adjust.mutate({ memberId: ana!.id, points: 600, note: "start" });
    const reward = await admin.catalog.createReward.mutate({
      kind: "gift_card",
      name: "$10 Amazon",
      pointsPrice: 500,
      valueCents: 1000,
      providerSku: "AMZ-10",
    });
    const r = await team.redemption.redeem.mutate({ memberId: ana!.id, rewardId: reward.id });
    expect(r).toMatchObject({ status: "pending", balance: 100 });
    expect(seen).toEqual([]);

    // What the job runner calls periodically (twice: the second run finds nothing to do).
    await runGiftCardOutbox(h.app.deps);
    await runGiftCardOutbox(h.app.deps);
    expect(seen).toEqual([r.orderId]);
    const [order] = (await team.redemption.orders.query({ memberId: ana!.id })).filter((o) => o.id === r.orderId);
    expect(order).toMatchObject({ status: "fulfilled" });
    expect(await team.ledger.balance.query({ memberId: ana!.id })).toMatchObject({ balance: 100 });
    // The claim code the provider returned: staff see it in Orders, and the patient got it by email once.
    const { claimCode } = await sandboxGiftCards.issue({
      orderId: r.orderId,
      sku: "AMZ-10",
      valueCents: 1000,
      recipient: { name: "", email: null },
    });
    expect(order!.giftCard).toEqual({ claimCode, claimUrl: null });
    const mails = (await admin.mailbox.list.query({})).messages.filter((m) => m.text.includes(claimCode));
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: ana!.email, subject: "Your $10 Amazon is ready" });
    expect(mails[0]!.text).toContain(`Claim code: ${claimCode}`);
    expect(mails[0]!.text).toContain("Bright Smiles Orthodontics");
  });
});

describe("gift-card email with the job runner on", () => {
  let t: TestDatabase;
  let deps: AppDeps;
  beforeAll(async () => {
    t = await createTestDatabase();
    await seedDemo(t.db, { members: 3 });
    deps = createDeps({ database: t, log: createLogger("silent"), jobs: { pollingIntervalSeconds: 0.5 } });
    await deps.jobs.start();
  });
  afterAll(async () => {
    await deps?.jobs.stop();
    await t?.dispose();
  });

  it("enqueues the email with the card's record (one job per order) and the worker sends it once", async () => {
    const [practice] = await t.db.select().from(practices).where(eq(practices.slug, "bright-smiles"));
    const ctx = systemCtx(t.db, practice!.id);
    const [m] = await t.db
      .insert(members)
      .values({ practiceId: practice!.id, firstName: "Gia", lastName: "Mail", email: "gia.mail@example.com" })
      .returning();
    await t.db.insert(memberBalances).values({ memberId: m!.id, practiceId: practice!.id, balance: 0 });
    await adjustPoints({ ctx, input: { memberId: m!.id, points: 600, note: "start" } });
    const reward = await createReward({
      ctx,
      input: { kind: "gift_card", name: "$10 Book gift card", pointsPrice: 500, valueCents: 1000, providerSku: "BOOK-10" },
    });
    const r = await redeemReward({ ctx, input: { memberId: m!.id, rewardId: reward.id } });
    await runGiftCardOutbox(deps);
    await runGiftCardOutbox(deps);
    const mails = async () => await t.db.select().from(devMailbox).where(eq(devMailbox.to, "gia.mail@example.com"));
    const end = Date.now() + 20_000;
    while ((await mails()).length === 0 && Date.now() < end) await new Promise((res) => setTimeout(res, 200));
    const sent = await mails();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ subject: "Your $10 Book gift card is ready", practiceId: practice!.id });
    const { claimCode } = await sandboxGiftCards.issue({
      orderId: r.orderId,
      sku: "BOOK-10",
      valueCents: 1000,
      recipient: { name: "", email: null },
    });
    expect(sent[0]!.text).toContain(`Claim code: ${claimCode}`);
    // Running the outbox again (another process, the next minute) sends nothing more.
    await runGiftCardOutbox(deps);
    await new Promise((res) => setTimeout(res, 1_500));
    expect(await mails()).toHaveLength(1);
  });
});
