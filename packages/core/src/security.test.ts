// Issue 13 (security): who may record arbitrary events, and what core's inputs refuse at the
// boundary (impossible dates, NUL bytes, out-of-range points).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ctx } from "./context.ts";
import { recordEvent } from "./events/record-event.ts";
import { adjustPoints } from "./ledger/adjust-points.ts";
import { createMember } from "./members/create-member.ts";
import { searchMembers } from "./members/search-members.ts";
import { MAX_POINTS } from "./schemas.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "./testing.ts";

describe("security: arbitrary events", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let member: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    member = (await makeMembers(t, p.id, [{ firstName: "Ana", lastName: "Bell" }]))[0]!.id;
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

describe("security: input at the boundary", () => {
  let t: TestDatabase;
  let p: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
  });
  afterAll(() => t?.dispose());

  it.each(["1990-02-31", "2023-02-29", "1990-04-31", "1990-13-01", "0000-01-01"])(
    "members.create refuses the date %s with a clear message",
    async (birthday) => {
      await expect(createMember({ ctx: p.team, input: { firstName: "A", lastName: "B", birthday } })).rejects.toMatchObject({
        code: "INVALID_INPUT",
        message: expect.stringMatching(/date/i),
      });
    },
  );

  it("members.create takes a real leap day", async () => {
    const m = await createMember({ ctx: p.team, input: { firstName: "Leap", lastName: "Day", birthday: "2024-02-29" } });
    expect(m.birthday).toBe("2024-02-29");
  });

  it.each([
    ["first name", { firstName: "A\u0000", lastName: "B" }],
    ["last name", { firstName: "A", lastName: "B\u0000C" }],
    ["card number", { firstName: "A", lastName: "B", cardNumber: "1\u00002" }],
    ["tag", { firstName: "A", lastName: "B", tags: ["vip\u0000"] }],
  ])("members.create refuses a NUL byte in the %s", async (_, input) => {
    await expect(createMember({ ctx: p.team, input })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/NUL/),
    });
  });

  it("members.search refuses a NUL byte instead of failing in the database", async () => {
    await expect(searchMembers({ ctx: p.team, input: { q: "an\u0000a" } })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(searchMembers({ ctx: p.team, input: { tag: "\u0000" } })).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });

  it("staff point adjustments stay within the ledger's limit", async () => {
    const [m] = await makeMembers(t, p.id, [{ firstName: "Ana", lastName: "Bell" }]);
    await expect(adjustPoints({ ctx: p.team, input: { memberId: m!.id, points: 2_000_000_000, note: "mint" } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    expect(MAX_POINTS).toBe(10_000_000);
  });
});
