import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adjustPoints } from "../ledger/adjust-points.ts";
import { setEmailUpdates } from "../members/member-overview.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { digestRecipients } from "./digest-recipients.ts";

describe("digestRecipients", () => {
  let t: TestDatabase;
  let p: TestPractice;
  const from = new Date(Date.now() - 60 * 60_000);
  const to = new Date(Date.now() + 60 * 60_000);

  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
  });
  afterAll(() => t?.dispose());

  it("leaves out members who turned email updates off, and takes them back when they turn them on again", async () => {
    const [never, off, backOn] = await makeMembers(t, p.id, [
      { firstName: "Ana", email: "ana@example.com", registered: true },
      { firstName: "Bo", email: "bo@example.com", registered: true },
      { firstName: "Cy", email: "cy@example.com", registered: true },
    ]);
    for (const m of [never!, off!, backOn!]) await adjustPoints({ ctx: p.team, input: { memberId: m.id, points: 30, note: "visit" } });
    await setEmailUpdates({ ctx: p.asMember(off!.id), input: { memberId: off!.id, enabled: false } });
    await setEmailUpdates({ ctx: p.asMember(backOn!.id), input: { memberId: backOn!.id, enabled: false } });
    // A later choice wins over an earlier one.
    await new Promise((r) => setTimeout(r, 5));
    await setEmailUpdates({ ctx: p.asMember(backOn!.id), input: { memberId: backOn!.id, enabled: true } });

    const recipients = await digestRecipients(t.db, p.id, from, to);
    expect(recipients.map((r) => r.firstName).sort()).toEqual(["Ana", "Cy"]);
    expect(recipients.find((r) => r.firstName === "Ana")).toMatchObject({ email: "ana@example.com", points: 30, balance: 30 });
  });
});
