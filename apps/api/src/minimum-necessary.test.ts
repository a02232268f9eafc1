// Minimum necessary (docs/compliance.md): what leaves Tally carries only what its receiver needs.
// A patient with a birth date has invoices with procedure codes (CDT D1110, D0120) and line
// amounts; every email and text template, every webhook payload kind and the gift-card provider's
// order are inspected for them.
import { fulfilPendingGiftCards, type GiftCardOrder, type GiftCardProvider, messageKindNames, sandboxGiftCards } from "@tally/core";
import { members } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Branding, contentOf, passwordResetContent, referralContent, renderEmail } from "./messages/templates.ts";
import { createHarness, type Harness, type TestClient } from "./testing/harness.ts";
import { rowsOf } from "./testing/procedures.ts";

const BIRTH = "1951-07-04";
const forbidden = [/D1110/i, /D0120/i, /123\.45/, /67\.89/, /1951-07-04/, /07\/04\/1951/, /July 4, 1951/i, /1951/];
const branding: Branding = {
  practiceName: "Bright Smiles",
  logoUrl: null,
  colour: "#0f766e",
  signature: "",
  address: "1 Main St",
  phone: "555",
};

describe("minimum necessary: messages, webhooks and gift-card orders carry no billing codes, line amounts or birth dates", () => {
  let h: Harness;
  let admin: TestClient;
  let key: string;
  let ana: typeof members.$inferSelect;
  const P = () => h.practiceIds["bright-smiles"]!;

  const expectClean = (what: string, text: string) => {
    for (const re of forbidden) expect({ what, leaks: re.test(text) ? re.source : null }).toEqual({ what, leaks: null });
  };

  beforeAll(async () => {
    h = await createHarness();
    admin = await h.staff("admin");
    await admin.rules.save.mutate({
      source: [
        'earn "Spend" on invoice.paid {\n  rate 1 point per $1\n  items all\n}',
        'reward "Big visit" on invoice.paid when invoice.total > $100 {\n  award 10 points and coupon "ten-off"\n}',
      ].join("\n"),
      publish: true,
    });
    key = (await admin.apiKeys.create.mutate({ name: "PMS", scopes: ["invoices:write", "webhooks:admin", "members:read"] })).key;
    const [updated] = await h.t.db
      .update(members)
      .set({ birthday: BIRTH, email: "ana.m@example.com" })
      .where(and(eq(members.practiceId, P()), eq(members.firstName, "Ana")))
      .returning();
    ana = updated!;
    // An endpoint without the line items scope, subscribed to everything.
    const ep = await h.request("/api/v1/webhooks/endpoints", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ url: "https://example.com/hook" }),
    });
    expect(ep.status).toBe(201);
    const res = await h.request("/api/v1/invoices", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        invoices: [
          {
            externalMemberId: ana.externalId,
            invoiceId: "MN-1",
            date: new Date().toISOString().slice(0, 10),
            status: "paid",
            lines: [
              { code: "D1110", amount: "123.45" },
              { code: "D0120", amount: "67.89" },
            ],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
  });
  afterAll(async () => h?.dispose());

  it("every email and text template, fed the real queued messages and every kind with a payload that holds codes and a birth date", async () => {
    const queued = await rowsOf<{ kind: string; data: unknown; title: string }>(
      h,
      sql`select kind, data, title from messages where practice_id = ${P()}::uuid and member_id = ${ana.id}::uuid`,
    );
    expect(queued.map((m) => m.kind)).toContain("coupon_unlocked");
    // What an enqueuer might carelessly pass along: the invoice, the member row, a visit reason.
    const poison = {
      firstName: "Ana",
      birthday: BIRTH,
      member: { ...ana, birthday: BIRTH },
      invoice: { id: "MN-1", lines: [{ code: "D1110", amount: "123.45" }] },
      lines: [{ code: "D0120", amount: "67.89" }],
      codes: ["D1110"],
      points: 10,
      balance: 200,
      date: "2026-03-01",
      expiresAt: "2026-04-01T00:00:00Z",
      rewardName: "Water bottle",
      couponName: "Ten off",
    };
    const inputs = [
      ...queued.map((m) => ({
        kind: m.kind,
        title: m.title,
        data: (typeof m.data === "string" ? JSON.parse(m.data) : m.data) as Record<string, unknown>,
      })),
      ...messageKindNames.filter((k) => k !== "staff_notice").map((kind) => ({ kind, title: "", data: poison as Record<string, unknown> })),
    ];
    for (const m of inputs) {
      if (m.data !== poison) expectClean(`${m.kind} data queued`, JSON.stringify(m.data));
      const content = contentOf(m as never, branding, "America/Chicago");
      const email = await renderEmail(content, branding, "https://tally.test/unsubscribe/x");
      expectClean(`${m.kind} email`, `${email.subject}\n${email.text}\n${email.html}`);
      expectClean(`${m.kind} sms`, content.sms);
    }
    for (const c of [
      passwordResetContent(branding, "en", "Ana", "https://tally.test/r"),
      referralContent(branding, "en", "Ana", "Bo", "https://tally.test/j"),
    ]) {
      const email = await renderEmail(c, branding, null);
      expectClean("direct email", `${email.subject}\n${email.text}\n${email.html}\n${c.sms}`);
    }
  });

  it("webhook payloads: line items only on endpoints with that scope", async () => {
    const messages = await rowsOf<{ type: string; payload: unknown; line_items: unknown }>(
      h,
      sql`select type, payload, line_items from webhook_messages where practice_id = ${P()}::uuid`,
    );
    expect(new Set(messages.map((m) => m.type))).toEqual(new Set(["points.awarded", "coupon.unlocked"]));
    for (const m of messages) expectClean(`webhook ${m.type}`, JSON.stringify(m.payload));
    // What the endpoint without line items would be sent: the payload as delivered.
    const delivered = await rowsOf<{ line_items: boolean }>(
      h,
      sql`select line_items from webhook_endpoints where practice_id = ${P()}::uuid`,
    );
    expect(delivered.map((d) => d.line_items)).toEqual([false]);
    // Asking for line items needs the scope.
    const noScope = (await admin.apiKeys.create.mutate({ name: "narrow", scopes: ["webhooks:admin"] })).key;
    const refused = await h.request("/api/v1/webhooks/endpoints", {
      method: "POST",
      headers: { authorization: `Bearer ${noScope}`, "content-type": "application/json" },
      body: JSON.stringify({ url: "https://example.com/lines", lineItems: true }),
    });
    expect(refused.status).toBe(403);
  });

  it("the gift-card provider is sent a name and an email only", async () => {
    await admin.ledger.adjust.mutate({ memberId: ana.id, points: 5000, note: "start" });
    const reward = await admin.catalog.createReward.mutate({
      kind: "gift_card",
      name: "$10 card",
      pointsPrice: 100,
      valueCents: 1000,
      providerSku: "SANDBOX-10",
    });
    await admin.redemption.redeem.mutate({ memberId: ana.id, rewardId: reward.id });
    const sent: GiftCardOrder[] = [];
    const recording: GiftCardProvider = {
      ...sandboxGiftCards,
      issue: async (order) => {
        sent.push(order);
        return sandboxGiftCards.issue(order);
      },
    };
    await fulfilPendingGiftCards(h.t.db, recording);
    expect(sent).toHaveLength(1);
    expect(Object.keys(sent[0]!).sort()).toEqual(["orderId", "recipient", "sku", "valueCents"]);
    expect(Object.keys(sent[0]!.recipient).sort()).toEqual(["email", "name"]);
    expectClean("gift card order", JSON.stringify(sent));
  });
});
