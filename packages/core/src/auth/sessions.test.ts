// Session timeouts: the idle limit holds to within a few seconds of its setting, even when it is
// as short as a minute (last-seen used to be written once a minute, signing active users out).

import { sessions } from "@tally/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { type AuthPolicy, defaultAuthPolicy } from "./policy.ts";
import { createSession, resolveMemberSession, resolveStaffSession, revokeSessionToken } from "./sessions.ts";
import { hashToken, tokenPractice } from "./tokens.ts";

const minute = 60_000;
const policy: AuthPolicy = { ...defaultAuthPolicy, staff: { idleMs: minute, absoluteMs: 12 * 60 * minute } };

describe("staff idle timeout of one minute", () => {
  let t: TestDatabase;
  let p: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
  });
  afterAll(() => t?.dispose());

  const session = (now: Date) =>
    createSession(t.db, { kind: "staff", practiceId: p.id, staffUserId: p.team.actor.id }, { policy, now }).then((s) => s.token);
  const at = (t0: number, s: number) => new Date(t0 + s * 1000);

  it("keeps a user who is active every 25 seconds signed in", async () => {
    const t0 = Date.parse("2026-03-02T10:00:00Z");
    const token = await session(new Date(t0));
    for (let s = 25; s <= 300; s += 25) expect(await resolveStaffSession(t.db, token, policy, at(t0, s)), `at ${s} s`).not.toBeNull();
  });

  it("signs out within a few seconds after a minute without a request", async () => {
    const t0 = Date.parse("2026-03-02T11:00:00Z");
    const token = await session(new Date(t0));
    expect(await resolveStaffSession(t.db, token, policy, at(t0, 40))).not.toBeNull();
    // Last request at 40 s: still in at 40 + 55 s (the limit is a minute, not "a minute minus the write interval")...
    expect(await resolveStaffSession(t.db, token, policy, at(t0, 95))).not.toBeNull();
    // ...and out a minute after the last request (95 s), give or take a few seconds.
    expect(await resolveStaffSession(t.db, token, policy, at(t0, 95 + 61))).toBeNull();
  });
});

describe("session tokens name their practice", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let other: TestPractice;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    other = await makePractice(t);
  });
  afterAll(() => t?.dispose());

  it("routes each lookup by the practice in the token; a token of before is found by its hash", async () => {
    const { token } = await createSession(t.db, { kind: "staff", practiceId: p.id, staffUserId: p.team.actor.id });
    expect(token.startsWith(`s_${p.id}.`)).toBe(true);
    expect(tokenPractice(token)?.practiceId).toBe(p.id);
    expect((await resolveStaffSession(t.db, token))?.practiceId).toBe(p.id);
    // Another practice's id in front of the same secret finds nothing.
    expect(await resolveStaffSession(t.db, token.replace(p.id, other.id))).toBeNull();
    await revokeSessionToken(t.db, token);
    expect(await resolveStaffSession(t.db, token)).toBeNull();

    // A session made before tokens named their practice keeps working, and signs out.
    const { token: fresh } = await createSession(t.db, { kind: "staff", practiceId: p.id, staffUserId: p.team.actor.id });
    const legacy = "s_a-token-made-before-tokens-named-their-practice";
    await t.db
      .update(sessions)
      .set({ tokenHash: hashToken(legacy) })
      .where(eq(sessions.tokenHash, hashToken(fresh)));
    expect((await resolveStaffSession(t.db, legacy))?.actor.id).toBe(p.team.actor.id);
    await revokeSessionToken(t.db, legacy);
    expect(await resolveStaffSession(t.db, legacy)).toBeNull();
  });

  it("a patient's token names their practice too", async () => {
    const [member] = await makeMembers(t, p.id, [{ firstName: "Ana" }]);
    const { token } = await createSession(t.db, { kind: "member", practiceId: p.id, memberId: member!.id });
    expect(token.startsWith(`m_${p.id}.`)).toBe(true);
    expect((await resolveMemberSession(t.db, token))?.actor.id).toBe(member!.id);
    expect(await resolveMemberSession(t.db, token.replace(p.id, other.id))).toBeNull();
  });
});
