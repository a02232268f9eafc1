// "Member since" is the member's first activity (imported history included), not the day the
// record was made; a member with no activity yet shows when the record was made.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordEvent } from "../events/record-event.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { getMember } from "./get-member.ts";

describe("member since", () => {
  let t: TestDatabase;
  let p: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
  });
  afterAll(() => t?.dispose());

  it("is the earliest event, even one dated before the record was made", async () => {
    const [ana, new1] = await makeMembers(t, p.id, [
      { firstName: "Ana", lastName: "Old" },
      { firstName: "Neo", lastName: "New" },
    ]);
    for (const [id, at] of [
      ["inv-2", "2025-06-10T15:00:00Z"],
      ["inv-1", "2024-02-03T15:00:00Z"],
    ] as const) {
      await recordEvent({
        ctx: p.system,
        input: { id, type: "invoice.paid", at, member: ana!.id, invoice: { id, lines: [{ code: "ADJ", amount: "120.00" }] } },
      });
    }
    const profile = await getMember({ ctx: p.team, input: { id: ana!.id } });
    expect(profile.memberSince.toISOString()).toBe("2024-02-03T15:00:00.000Z");
    expect(profile.member.createdAt.getTime()).toBeGreaterThan(profile.memberSince.getTime());
    // The patient sees the same date.
    expect((await getMember({ ctx: p.asMember(ana!.id), input: { id: ana!.id } })).memberSince.toISOString()).toBe(
      "2024-02-03T15:00:00.000Z",
    );
    const fresh = await getMember({ ctx: p.team, input: { id: new1!.id } });
    expect(fresh.memberSince).toEqual(fresh.member.createdAt);
  });
});
