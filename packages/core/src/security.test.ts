// Issue 13 (security): who may record arbitrary events, and what core's inputs refuse at the
// boundary (impossible dates, NUL bytes, out-of-range points).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "./context.ts";
import { recordEvent } from "./events/record-event.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "./testing.ts";

describe("security: arbitrary events", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let member: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    [{ id: member }] = (await makeMembers(t, p.id, [{ firstName: "Ana", lastName: "Bell" }])) as [{ id: string }];
  });
  afterAll(() => t?.dispose());

  const event = (id: string, type: string, extra: Record<string, unknown> = {}) =>
    ({ id, type, at: "2026-01-01T00:00:00Z", member, ...extra }) as never;

  it.each([
    ["points.adjusted of 2,000,000,000", () => event("mint", "points.adjusted", { adjustment: { points: 2_000_000_000 } })],
    ["a referral", () => event("ref", "referral.converted", { referral: { referrer: member, campaign: "x" } })],
    ["a review", () => event("rev", "review.posted")],
    ["a birthday", () => event("bday", "member.birthday")],
  ])("staff (team member or admin) cannot record %s", async (_, input) => {
    for (const ctx of [p.team, p.admin])
      await expect(recordEvent({ ctx, input: input(), source: "staff" })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("an integration (API key) still can", async () => {
    const integration: Ctx = { ...p.system, actor: { kind: "integration", id: "key-1" } };
    const r = await recordEvent({ ctx: integration, input: event("int-1", "visit.checked_in") });
    expect(r.duplicate).toBe(false);
  });
});
