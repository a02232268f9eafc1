// The front desk's procedures over HTTP: members.update / recordConsent / consents / duplicates /
// mergePreview / merge, approvals.completeForMember, redemption.redeem and coupons.use — the happy
// path, the wrong role, another practice's ids and bad input.
import { issuedCoupons, members } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type TestClient } from "../../testing/harness.ts";

const codeOf = (e: unknown) => (e as { data?: { appCode?: string; code?: string } }).data;

describe("front desk procedures", () => {
  let h: Harness;
  let admin: TestClient;
  let team: TestClient;
  let paws: TestClient;
  let ana: typeof members.$inferSelect;
  let twin: { id: string };
  beforeAll(async () => {
    h = await createHarness();
    admin = await h.staff("admin");
    team = await h.staff("team_member");
    paws = await h.staff("admin", "paws-claws");
    ana = (
      await h.t.db
        .select()
        .from(members)
        .where(and(eq(members.practiceId, h.practiceIds["bright-smiles"]!), eq(members.firstName, "Ana")))
    )[0]!;
    await admin.rules.save.mutate({
      publish: true,
      source: `reward "Media consent" on consent.given when consent.kind = "media" and consent.full { award 100 points }
reward "Left a review" manual {
  award 40 points
  prompt "Leave us a review"
  limit once per member
}`,
    });
    await admin.catalog.createReward.mutate({
      kind: "coupon",
      name: "$10 off",
      pointsPrice: 400,
      couponCode: "ten-off",
      couponValidDays: 30,
    });
    twin = await team.members.create.mutate({
      firstName: ana.firstName,
      lastName: ana.lastName,
      birthday: ana.birthday,
      externalId: "DESK-TWIN",
    });
  });
  afterAll(async () => h?.dispose());

  it("a team member edits details; a PMS id another member holds is refused naming the field", async () => {
    const m = await team.members.update.mutate({ id: twin.id, email: "twin@example.com", phone: "217 555 0177" });
    expect(m).toMatchObject({ email: "twin@example.com", phone: "2175550177" });
    const refused = await team.members.update.mutate({ id: twin.id, externalId: ana.externalId }).catch((e) => e);
    expect(codeOf(refused)).toMatchObject({ appCode: "CONFLICT", details: { field: "externalId" } });
    expect(refused.message).toMatch(/belongs to another member/);
    const bad = await team.members.update.mutate({ id: twin.id, birthday: "1990-13-01" }).catch((e) => e);
    expect(codeOf(bad)?.appCode).toBe("INVALID_INPUT");
    expect(bad.message).toMatch(/^birthday: /);
    await expect(paws.members.update.mutate({ id: twin.id, firstName: "X" })).rejects.toMatchObject({ data: { appCode: "NOT_FOUND" } });
  });

  it("consent at the desk: media runs its reward once; the list says who recorded it; unknown kinds are refused", async () => {
    const first = await team.members.recordConsent.mutate({ memberId: twin.id, kind: "media" });
    expect(first.already).toBe(false);
    expect(first.awards.map((a) => a.rule)).toEqual(["Media consent"]);
    expect((await admin.members.recordConsent.mutate({ memberId: twin.id, kind: "media" })).already).toBe(true);
    const list = await team.members.consents.query({ memberId: twin.id });
    expect(list).toEqual([expect.objectContaining({ kind: "media", recordedBy: "Jamie Cole" })]);
    await expect(team.members.recordConsent.mutate({ memberId: twin.id, kind: "anything" as "media" })).rejects.toMatchObject({
      data: { code: "BAD_REQUEST" },
    });
    await expect(paws.members.consents.query({ memberId: twin.id })).rejects.toMatchObject({ data: { appCode: "NOT_FOUND" } });
  });

  it("manual rewards completed for the patient: approved through the rules, refused past the limit", async () => {
    const rule = (await team.approvals.manualRewards.query())[0]!;
    expect(rule.name).toBe("Left a review");
    const r = await team.approvals.completeForMember.mutate({ memberId: twin.id, rule: rule.name, note: "Seen at the desk" });
    expect(r).toMatchObject({ status: "approved", points: 40 });
    const again = await team.approvals.completeForMember.mutate({ memberId: twin.id, rule: rule.name }).catch((e) => e);
    expect(codeOf(again)?.appCode).toBe("LIMIT_REACHED");
    expect(again.message).toBe("“Left a review” is limited to once per patient: already used up.");
    await expect(team.approvals.completeForMember.mutate({ memberId: twin.id, rule: "Nope" })).rejects.toMatchObject({
      data: { appCode: "NOT_FOUND" },
    });
    await expect(paws.approvals.completeForMember.mutate({ memberId: twin.id, rule: rule.name })).rejects.toMatchObject({
      data: { appCode: "NOT_FOUND" },
    });
  });

  it("redeem at the desk, then mark the coupon used once", async () => {
    await team.ledger.adjust.mutate({ memberId: twin.id, points: 1000, note: "For the test" });
    const reward = (await team.catalog.rewards.query()).find((r) => r.kind === "coupon")!;
    const order = await team.redemption.redeem.mutate({ memberId: twin.id, rewardId: reward.id });
    const couponId = order.fulfilment.couponId as string;
    expect(couponId).toBeTruthy();
    await expect(paws.coupons.use.mutate({ couponId })).rejects.toMatchObject({ data: { appCode: "NOT_FOUND" } });
    expect((await team.coupons.use.mutate({ couponId })).status).toBe("used");
    await expect(team.coupons.use.mutate({ couponId })).rejects.toMatchObject({ data: { appCode: "CONFLICT" } });
    await expect(team.coupons.use.mutate({ couponId: "not-a-uuid" })).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
    const history = await team.ledger.history.query({ memberId: twin.id, limit: 10 });
    expect(history.map((l) => l.why)).toEqual(
      expect.arrayContaining([
        `-${reward.pointsPrice} points redeemed for "${reward.name}"`,
        "1000 points adjusted by Jamie Cole: For the test",
      ]),
    );
  });

  it("an expired coupon cannot be used, even before the hourly job marks it", async () => {
    const [c] = await h.t.db
      .insert(issuedCoupons)
      .values({
        practiceId: h.practiceIds["bright-smiles"]!,
        memberId: twin.id,
        coupon: "ten-off",
        issuedAt: new Date(Date.now() - 3 * 86_400_000),
        expiresAt: new Date(Date.now() - 60_000),
        idempotencyKey: "desk-expired",
      })
      .returning();
    const listed = await team.members.coupons.query({ memberId: twin.id });
    expect(listed.find((x) => x.id === c!.id)).toMatchObject({ status: "expired", expiresAt: expect.anything() });
    await expect(team.coupons.use.mutate({ couponId: c!.id })).rejects.toMatchObject({
      data: { appCode: "CONFLICT" },
      message: "This coupon has expired.",
    });
  });

  it("duplicates for staff; the merge preview and the merge for admins only", async () => {
    const dups = await team.members.duplicates.query({ memberId: ana.id });
    expect(dups.map((d) => d.id)).toContain(twin.id);
    await expect(team.members.mergePreview.query({ sourceId: twin.id, targetId: ana.id })).rejects.toMatchObject({
      data: { code: "FORBIDDEN" },
    });
    await expect(team.members.merge.mutate({ sourceId: twin.id, targetId: ana.id })).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    const preview = await admin.members.mergePreview.query({ sourceId: twin.id, targetId: ana.id });
    expect(preview.after.aliasPmsId).toBe("DESK-TWIN");
    const merged = await admin.members.merge.mutate({ sourceId: twin.id, targetId: ana.id });
    expect(merged.aliasPmsId).toBe("DESK-TWIN");
    expect(merged.member.id).toBe(ana.id);
    await expect(paws.members.mergePreview.query({ sourceId: twin.id, targetId: ana.id })).rejects.toMatchObject({
      data: { appCode: "NOT_FOUND" },
    });
  });
});
