// Check-in codes under concurrency (real PostgreSQL): a code typed on many kiosks at once checks
// the patient in once, and codes issued at once are unique among the practice's live codes.
import { checkInCodes, checkIns } from "@tally/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kioskCheckInBatched } from "../checkin/batch-check-in.ts";
import type { Ctx } from "../context.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { issueCheckInCode } from "./check-in-codes.ts";

const qrSecret = "test-secret";

describe("check-in codes under concurrency (postgres)", () => {
  let t: TestDatabase;
  let p: TestPractice;
  const kiosk = (id: string): Ctx => ({ ...p.kiosk, actor: { kind: "kiosk", id } });

  beforeAll(async () => {
    t = await createTestDatabase({ max: 32 });
    p = await makePractice(t);
  });
  afterAll(() => t?.dispose());

  it("one code sent from 20 kiosks at once checks in once; the others are refused", async () => {
    const [ana] = await makeMembers(t, p.id, [{ firstName: "Ana", lastName: "Bell" }]);
    const { code } = await issueCheckInCode(p.asMember(ana!.id), { secret: qrSecret });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => kioskCheckInBatched(kiosk(`k-${i}`), { method: "code", code }, { qrSecret })),
    );
    expect(results.filter((r) => r.status === "checked_in")).toHaveLength(1);
    // The others are refused: not found, or (the same code tried again and again) sent to the desk.
    expect(results.filter((r) => r.status === "not_found" || r.status === "see_front_desk")).toHaveLength(19);
    expect(await t.db.select().from(checkIns).where(eq(checkIns.memberId, ana!.id))).toHaveLength(1);
  });

  it("200 patients asking at once get 200 different live codes", async () => {
    const people = await makeMembers(
      t,
      p.id,
      Array.from({ length: 200 }, (_, i) => ({ firstName: `P${i}`, lastName: "Crowd" })),
    );
    const codes = await Promise.all(people.map((m) => issueCheckInCode(p.asMember(m.id), { secret: qrSecret })));
    expect(new Set(codes.map((c) => c.code)).size).toBe(200);
    expect(await t.db.select().from(checkInCodes).where(eq(checkInCodes.practiceId, p.id))).toHaveLength(200);
  });
});
