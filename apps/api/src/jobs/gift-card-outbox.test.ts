// Through the API: a gift-card redemption answers `pending` at once (the provider is not called
// inside it) and the job runner's next run issues the card, with the order id as idempotency key.
import { type GiftCardProvider, sandboxGiftCards, setGiftCardProvider } from "@tally/core";
import { members } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness } from "../testing/harness.ts";
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
