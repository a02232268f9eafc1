// The thin domain routers (members, ledger, leads, redemption, mailbox): wiring, roles, tenancy
// and the error mapping (domain, validation, unexpected).
import { members } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type TestClient } from "../../testing/harness.ts";

describe("domain routers", () => {
  let h: Harness;
  let admin: TestClient;
  let team: TestClient;
  let ana: typeof members.$inferSelect;
  beforeAll(async () => {
    h = await createHarness();
    admin = await h.staff("admin");
    team = await h.staff("team_member");
    ana = (
      await h.t.db
        .select()
        .from(members)
        .where(and(eq(members.practiceId, h.practiceIds["bright-smiles"]!), eq(members.firstName, "Ana")))
    )[0]!;
  });
  afterAll(async () => h?.dispose());

  describe("happy path", () => {
    it("searches members, adjusts points and shows the balance and its history", async () => {
      const found = await team.members.search.query({ q: "ana" });
      expect(JSON.stringify(found)).toMatch(/Ana/);
      await team.ledger.adjust.mutate({ memberId: ana.id, points: 120, note: "Paid invoice #77" });
      expect((await team.ledger.balance.query({ memberId: ana.id })).balance).toBe(120);
      const history = await team.ledger.history.query({ memberId: ana.id });
      expect(history[0]).toMatchObject({ kind: "adjustment", points: 120 });
    });

    it("lets a patient see their home page, redeem from the catalog and see the order in the queue", async () => {
      const reward = await admin.catalog.createReward.mutate({ name: "Movie ticket", pointsPrice: 100, kind: "in_house" });
      const patient = h.client();
      await patient.auth.member.signIn.mutate({ practice: "bright-smiles", cardNumber: ana.cardNumber!, birthday: ana.birthday! });
      const home = await patient.members.home.query();
      expect(home).toMatchObject({ firstName: "Ana", canRedeem: true });
      expect(home.balance).toBeGreaterThanOrEqual(100);
      const r = await patient.redemption.redeemMine.mutate({ rewardId: reward.id });
      expect(r.points).toBe(100);
      const orders = await team.redemption.orders.query({ status: "pending" });
      expect(JSON.stringify(orders)).toMatch(/Movie ticket/);
    });

    it("registers a lead with limited access that an admin converts", async () => {
      const lead = h.client();
      const r = await lead.auth.member.register.mutate({
        practice: "bright-smiles",
        firstName: "Lena",
        lastName: "Ortiz",
        email: "lena@example.com",
        // A referral token that is not valid never blocks registration.
        referralToken: "not-a-referral-token",
        password: "lena-passphrase-1",
      });
      expect(r.status).toBe("lead");
      expect((await lead.members.home.query()).status).toBe("lead");
      await expect(lead.catalog.offered.query()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
      await admin.leads.convert.mutate({ id: r.memberId });
      expect((await lead.catalog.offered.query()).length).toBeGreaterThanOrEqual(0);
    });

    it("invites a member by email and signs them in on acceptance", async () => {
      const [bob] = await h.t.db.select().from(members).where(eq(members.externalId, "PMS-10001"));
      await h.t.db.update(members).set({ registered: false }).where(eq(members.id, bob!.id));
      const inv = await team.members.invite.mutate({ memberId: bob!.id });
      expect(inv.link).toContain("/portal/invite?practice=bright-smiles&token=");
      const mail = await admin.mailbox.list.query();
      expect(mail.messages.some((m) => m.to === inv.email)).toBe(true);
      const p = h.client();
      await p.auth.member.acceptInvitation.mutate({ practice: "bright-smiles", token: inv.token, password: "bob-passphrase-1" });
      expect((await p.auth.member.me.query()).id).toBe(bob!.id);
    });
  });

  describe("errors", () => {
    it("shows no balance and refuses redemption while the program is in test mode", async () => {
      const p = h.client();
      const [sam] = await h.t.db.select().from(members).where(eq(members.externalId, "VET-2"));
      await h.t.db.update(members).set({ birthday: "1980-02-02" }).where(eq(members.id, sam!.id));
      await p.auth.member.signIn.mutate({ practice: "paws-claws", cardNumber: sam!.cardNumber!, birthday: "1980-02-02" });
      expect(await p.members.home.query()).toMatchObject({ balance: null, canRedeem: false, practice: { status: "test" } });
      expect(await p.members.myActivity.query()).toEqual([]);
    });

    it("maps a redemption beyond the balance to a domain error", async () => {
      const reward = await admin.catalog.createReward.mutate({ name: "Big prize", pointsPrice: 1_000_000, kind: "in_house" });
      const e = await team.redemption.redeem.mutate({ memberId: ana.id, rewardId: reward.id }).catch((x) => x);
      expect(e.data.appCode).toBe("INSUFFICIENT_POINTS");
      expect(e.data.code).toBe("CONFLICT");
    });

    it("rejects invalid input before the verb runs", async () => {
      await expect(team.ledger.balance.query({ memberId: "not-a-uuid" })).rejects.toMatchObject({
        message: "memberId: not a valid uuid",
        data: { code: "BAD_REQUEST", appCode: "INVALID_INPUT" },
      });
    });

    it("answers an unexpected error with a generic message and a request id, never the SQL", async () => {
      const logged: unknown[] = [];
      const log = h.app.deps.log;
      const original = log.error.bind(log);
      log.error = ((obj: unknown, ...rest: unknown[]) => {
        logged.push(obj);
        return original(obj as never, ...(rest as []));
      }) as typeof log.error;
      await h.t.db.execute(sql`alter table dev_mailbox rename to dev_mailbox_away`);
      try {
        const e = await admin.mailbox.list.query().catch((x) => x);
        expect(e.data).toMatchObject({ code: "INTERNAL_SERVER_ERROR", httpStatus: 500 });
        expect(e.data.requestId).toMatch(/^[0-9a-f-]{36}$/);
        expect(e.message).toContain(e.data.requestId);
        expect(e.message).not.toMatch(/select|dev_mailbox|params/i);
        // The detail is logged, under the same request id.
        expect(logged).toContainEqual(expect.objectContaining({ requestId: e.data.requestId }));
      } finally {
        await h.t.db.execute(sql`alter table dev_mailbox_away rename to dev_mailbox`);
        log.error = original;
      }
    });
  });

  describe("security", () => {
    it("hides another practice's member behind NOT_FOUND", async () => {
      const vet = await h.staff("admin", "paws-claws");
      await expect(vet.ledger.balance.query({ memberId: ana.id })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
      await expect(vet.members.get.query({ id: ana.id })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    });

    it("keeps admin-only procedures from team members and everything from anonymous callers", async () => {
      await expect(team.rules.publish.mutate({ versionId: crypto.randomUUID() })).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
      await expect(team.members.merge.mutate({ sourceId: crypto.randomUUID(), targetId: crypto.randomUUID() })).rejects.toMatchObject({
        data: { code: "FORBIDDEN" },
      });
      await expect(h.client().members.search.query({ q: "a" })).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
      await expect(h.client().members.home.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    });

    it("never lets a patient session act as staff", async () => {
      const patient = h.client();
      await patient.auth.member.signIn.mutate({ practice: "bright-smiles", cardNumber: ana.cardNumber!, birthday: ana.birthday! });
      await expect(patient.ledger.adjust.mutate({ memberId: ana.id, points: 1000, note: "free" })).rejects.toMatchObject({
        data: { code: "UNAUTHORIZED" },
      });
    });
  });
});
