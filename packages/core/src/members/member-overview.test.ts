import { randomUUID } from "node:crypto";
import { members, practices, rewards } from "@tally/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { completeAction, decideApproval } from "../approvals/approvals.ts";
import { acceptInvitationAndSignIn } from "../auth/member-registration.ts";
import { passwordResetToken, requestPasswordReset, resetPassword } from "../auth/password-reset.ts";
import { createReward } from "../catalog/rewards.ts";
import { adjustPoints } from "../ledger/adjust-points.ts";
import { hashPassword, verifyPassword } from "../passwords.ts";
import { redeemReward } from "../redemption/redeem-reward.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { createInvitation } from "./invitations.ts";
import {
  couponLabel,
  memberActionRequests,
  memberActivity,
  memberConsents,
  memberCoupons,
  memberMilestones,
  memberOrders,
  setEmailUpdates,
} from "./member-overview.ts";
import { recordConsent } from "./record-consent.ts";

const rules = `
reward "Followed us" manual {
  award 50 points
  prompt "Follow us and tell us your handle"
  confirmation "Thanks!"
}
reward "First login" on member.first_login {
  award 25 points
}
reward "Media consent" on consent.given when consent.kind = "media" and consent.full {
  award 100 points
  limit once per member
}
milestone "Braces journey" limited {
  phase "Bracket Buddy" after 5 perfect surveys award 200 points
  phase "Aligner Ace" after 3 perfect surveys award 100 points
}
`;

describe("member overview (portal)", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let other: TestPractice;
  let ana: string;
  let ben: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    other = await makePractice(t);
    [ana, ben] = (await makeMembers(t, p.id, [{ firstName: "Ana", email: "ana@example.com" }, { firstName: "Ben" }])).map((m) => m.id) as [
      string,
      string,
    ];
    await saveRuleSet({ ctx: p.admin, input: { source: rules, publish: true } });
  });
  afterAll(() => t?.dispose());

  it("shows a member their requests, activity with the event type, and milestone progress", async () => {
    const me = p.asMember(ana);
    const done = await completeAction({ ctx: me, input: { memberId: ana, rule: "Followed us", response: "@ana" } });
    expect((await memberActionRequests({ ctx: me, input: { memberId: ana } }))[0]).toMatchObject({
      rule: "Followed us",
      status: "pending",
      response: "@ana",
    });
    await decideApproval({ ctx: p.team, input: { requestId: done.requestId!, decision: "approve" } });
    expect((await memberActionRequests({ ctx: me, input: { memberId: ana } }))[0]?.status).toBe("approved");

    await recordConsent({ ctx: me, input: { memberId: ana, kind: "media", full: true } });
    const activity = await memberActivity({ ctx: me, input: { memberId: ana } });
    expect(activity.map((a) => [a.points, a.eventType]).sort()).toEqual([
      [100, "consent.given"],
      [50, "action.approved"],
    ]);

    const [journey] = await memberMilestones({ ctx: me, input: { memberId: ana } });
    expect(journey).toMatchObject({
      name: "Braces journey",
      program: "limited",
      nextPhase: "Bracket Buddy",
      tally: 0,
      target: 5,
      achieved: [],
      finished: false,
    });
  });

  it("lists coupons (with a readable name) and orders after a redemption", async () => {
    await createReward({
      ctx: p.admin,
      input: { kind: "coupon", name: "Free whitening", pointsPrice: 100, couponCode: "free-whitening", couponValidDays: 2 },
    });
    const [reward] = await t.db.select().from(rewards).where(eq(rewards.practiceId, p.id));
    const me = p.asMember(ana);
    await redeemReward({ ctx: me, input: { memberId: ana, rewardId: reward!.id } });
    const [coupon] = await memberCoupons({ ctx: me, input: { memberId: ana } });
    expect(coupon).toMatchObject({ coupon: "free-whitening", name: "Free whitening", status: "active" });
    expect(coupon!.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 47 * 3_600_000);
    expect((await memberOrders({ ctx: me, input: { memberId: ana } }))[0]).toMatchObject({
      rewardName: "Free whitening",
      points: 100,
      status: "fulfilled",
    });
    expect(couponLabel("ten-off")).toBe("Ten off");
  });

  it("keeps the email preference among consents, latest wins", async () => {
    const me = p.asMember(ana);
    expect((await memberConsents({ ctx: me, input: { memberId: ana } })).emailUpdates).toBe(true);
    await setEmailUpdates({ ctx: me, input: { memberId: ana, enabled: false } });
    const c = await memberConsents({ ctx: me, input: { memberId: ana } });
    expect(c.emailUpdates).toBe(false);
    expect(c.consents.map((x) => x.kind)).toEqual(["media"]);
  });

  it("never shows one member another's data, nor another practice's", async () => {
    await expect(memberCoupons({ ctx: p.asMember(ben), input: { memberId: ana } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(memberOrders({ ctx: other.admin, input: { memberId: ana } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await adjustPoints({ ctx: p.team, input: { memberId: ben, points: 5, note: "x" } });
    expect(await memberActivity({ ctx: p.asMember(ben), input: { memberId: ben } })).toHaveLength(1);
  });

  it("counts registering from an invitation as the first portal login, once", async () => {
    const [cat] = await makeMembers(t, p.id, [{ firstName: "Cat", email: "cat@example.com" }]);
    const inv = await createInvitation({ ctx: p.team, input: { memberId: cat!.id } });
    const [practice] = await t.db.select().from(practices).where(eq(practices.id, p.id));
    const signedIn = await acceptInvitationAndSignIn(t.db, { practice: practice!.slug, token: inv.token, password: "long-password-1" });
    expect(signedIn.awards.filter((a) => a.rule === "First login").map((a) => a.points)).toEqual([25]);
    const activity = await memberActivity({ ctx: p.asMember(cat!.id), input: { memberId: cat!.id } });
    expect(activity.filter((a) => a.eventType === "member.first_login")).toHaveLength(1);
  });

  it("resets a password once with a valid link, never with a forged or used one", async () => {
    await t.db
      .update(members)
      .set({ passwordHash: await hashPassword("old-password-1") })
      .where(eq(members.id, ana));
    const [practice] = await t.db.select().from(practices).where(eq(practices.id, p.id));
    expect(await requestPasswordReset(t.db, { practice: practice!.slug, email: "nobody@example.com" }, "s3cret")).toBeNull();
    const reset = await requestPasswordReset(t.db, { practice: practice!.slug, email: "ANA@example.com" }, "s3cret");
    expect(reset?.memberId).toBe(ana);
    // The link names its practice (the lookup is routed by it); another practice's id finds nothing.
    expect(reset!.token.startsWith(`${p.id}.`)).toBe(true);
    await expect(
      resetPassword(t.db, { token: reset!.token.replace(p.id, randomUUID()), password: "new-password-1" }, "s3cret"),
    ).rejects.toMatchObject({ code: "INVALID_INPUT" });
    await expect(resetPassword(t.db, { token: reset!.token, password: "short" }, "s3cret")).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await expect(resetPassword(t.db, { token: reset!.token, password: "new-password-1" }, "other-secret")).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    await resetPassword(t.db, { token: reset!.token, password: "new-password-1" }, "s3cret");
    const [after] = await t.db.select().from(members).where(eq(members.id, ana));
    expect(await verifyPassword(after!.passwordHash!, "new-password-1")).toBe(true);
    // Used: the hash it was signed over changed.
    await expect(resetPassword(t.db, { token: reset!.token, password: "another-pass-1" }, "s3cret")).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    const expired = passwordResetToken("s3cret", p.id, ana, after!.passwordHash!, Date.now() - 2 * 3_600_000);
    await expect(resetPassword(t.db, { token: expired, password: "another-pass-1" }, "s3cret")).rejects.toMatchObject({
      code: "INVALID_INPUT",
    });
    // A link sent before links named the practice (member.expires.signature) still works.
    const legacy = passwordResetToken("s3cret", p.id, ana, after!.passwordHash!).split(".").slice(1).join(".");
    await resetPassword(t.db, { token: legacy, password: "another-pass-1" }, "s3cret");
  });
});
