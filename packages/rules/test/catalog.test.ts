import { describe, expect, test } from "vitest";
import { eventsByName, eventTypes, isEventType, writableEvents } from "../src/index.ts";

describe("the event-type catalog", () => {
  test("lists every event type of SPEC section 4 once, in catalog order", () => {
    expect(eventTypes).toEqual([
      "invoice.paid",
      "invoice.voided",
      "visit.checked_in",
      "consent.given",
      "survey.submitted",
      "referral.converted",
      "review.posted",
      "qr.scanned",
      "marketplace.participated",
      "member.registered",
      "member.first_login",
      "member.birthday",
      "action.completed",
      "action.approved",
      "action.rejected",
      "points.adjusted",
      "points.redeemed",
    ]);
    expect(new Set(eventTypes).size).toBe(eventTypes.length);
    expect(eventTypes.every((t) => eventsByName.get(t)?.name === t)).toBe(true);
  });

  test("isEventType knows the catalog and nothing else", () => {
    expect(isEventType("visit.checked_in")).toBe(true);
    expect(isEventType("points.redeemed")).toBe(true);
    expect(isEventType("visit.checked")).toBe(false);
    expect(isEventType("invoice")).toBe(false);
  });

  test("rules may listen only to writable events, all of them in the catalog", () => {
    expect(writableEvents).toContain("invoice.paid");
    expect(writableEvents).not.toContain("invoice.voided");
    expect(writableEvents.every(isEventType)).toBe(true);
  });
});
