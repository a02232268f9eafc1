import { describe, expect, it } from "vitest";
import { pipelineWebhookMessages } from "./outbox.ts";

describe("pipelineWebhookMessages", () => {
  const at = new Date("2026-03-01T10:00:00Z");
  const events = [
    { id: "ev-1", input: { id: "INV-1", type: "invoice.paid", invoice: { id: "INV-1", lines: [{ code: "D1110", amount: "100.00" }] } } },
    { id: "ev-2", input: { id: "redemption:o-1", type: "points.redeemed", redemption: { reward: "Tote bag" } } },
    { id: "ev-3", input: { id: "survey-9", type: "survey.submitted" } },
  ];

  it("names each ledger entry's message after its kind, with the event and invoice it came from", () => {
    const messages = pipelineWebhookMessages(
      [
        { id: "e1", memberId: "m1", kind: "earn", points: 10, at, ruleName: "Spend", eventId: "ev-1" },
        { id: "e2", memberId: "m1", kind: "reversal", points: -10, at, ruleName: "Spend", eventId: "ev-1" },
        { id: "e3", memberId: "m1", kind: "redemption", points: -5, at, eventId: "ev-2", orderId: "o-1" },
        { id: "e4", memberId: "m1", kind: "expiry", points: -3, at },
        { id: "e5", memberId: "m1", kind: "adjustment", points: 7, at },
      ],
      [{ id: "c1", memberId: "m1", coupon: "free-whitening", ruleName: "Welcome", eventId: "ev-1", expiresAt: null }],
      events,
      [{ member: "m1", rule: "Braces journey", phase: "Bracket Buddy", eventIndex: 2 }],
    );
    expect(messages.map((m) => m.type)).toEqual([
      "points.awarded",
      "points.reversed",
      "reward.redeemed",
      "points.expired",
      "coupon.unlocked",
      "milestone.phase_achieved",
    ]);
    expect(messages[0]).toMatchObject({
      memberId: "m1",
      data: { points: 10, rule: "Spend", eventId: "INV-1", invoiceId: "INV-1" },
      lineItems: [{ code: "D1110", amount: "100.00" }],
    });
    expect(messages[2]!.data).toMatchObject({ reward: "Tote bag", orderId: "o-1", points: -5 });
    expect(messages[4]!.data).toMatchObject({ coupon: "free-whitening", eventId: "INV-1" });
    expect(messages[5]!.data).toEqual({ memberId: "m1", rule: "Braces journey", phase: "Bracket Buddy", eventId: "survey-9" });
  });
});
