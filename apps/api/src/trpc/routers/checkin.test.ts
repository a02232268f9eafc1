import { auditLog, checkIns, ledgerEntries, memberBalances, members } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type TestClient } from "../../testing/harness.ts";

describe("kiosk pairing and check-in", () => {
  let h: Harness;
  let admin: TestClient;
  let kiosk: TestClient;
  let ana: typeof members.$inferSelect;

  const pair = async (client: TestClient, name: string) => {
    const { code } = await client.kiosks.createPairing.mutate({ name });
    const { token } = await h.client().checkin.pair.mutate({ code });
    return h.client({ headers: { authorization: `Bearer ${token}` } });
  };

  beforeAll(async () => {
    h = await createHarness();
    admin = await h.staff("admin");
    kiosk = await pair(admin, "Front desk");
    ana = (
      await h.t.db
        .select()
        .from(members)
        .where(and(eq(members.practiceId, h.practiceIds["bright-smiles"]!), eq(members.firstName, "Ana")))
        .orderBy(members.lastName, members.id)
    )[0]!;
  });
  afterAll(async () => h?.dispose());

  describe("happy path", () => {
    it("pairs a kiosk with a one-time code", async () => {
      const device = await kiosk.checkin.device.query();
      expect(device).toMatchObject({ name: "Front desk", practice: { slug: "bright-smiles" } });
      expect((await admin.kiosks.list.query()).map((d) => d.name)).toContain("Front desk");
    });

    it("checks in by card and shows only first name, last initial, balance, progress and coupons", async () => {
      const r = await kiosk.checkin.byKiosk.mutate({ method: "card", cardNumber: ana.cardNumber! });
      expect(r.status).toBe("checked_in");
      if (r.status !== "checked_in") return;
      expect(Object.keys(r.welcome).sort()).toEqual([
        "balance",
        "checkedInEarlierToday",
        "firstName",
        "instantRewards",
        "lastInitial",
        "milestones",
        "pointsEarned",
        "standing",
        "surveyAvailable",
      ]);
      // The tier and expiring points (SPEC 7): none without tiers or expiry, and nothing personal.
      expect(r.welcome.standing).toEqual({ tier: null, expiring: [], notYetAvailable: [] });
      expect(r.welcome).toMatchObject({ firstName: "Ana", lastInitial: "B" });
    });

    it("checks in by phone + birth date and by the portal's QR code", async () => {
      const byPhone = await kiosk.checkin.byKiosk.mutate({ method: "phone", phone: ana.phone!, birthday: ana.birthday! });
      expect(byPhone.status).toBe("checked_in");
      const patient = h.client();
      await patient.auth.member.signIn.mutate({ practice: "bright-smiles", cardNumber: ana.cardNumber!, birthday: ana.birthday! });
      const { token } = await patient.checkin.myCode.query();
      expect((await kiosk.checkin.byKiosk.mutate({ method: "qr", token })).status).toBe("checked_in");
      const forged = await kiosk.checkin.byKiosk.mutate({ method: "qr", token: token.replace(/.$/, (c) => (c === "A" ? "B" : "A")) });
      expect(forged.status).toBe("not_found");
    });

    it("checks in by the portal's short check-in code, once, and only a kiosk set up for QR offers the QR screen", async () => {
      const patient = h.client();
      await patient.auth.member.signIn.mutate({ practice: "bright-smiles", cardNumber: ana.cardNumber!, birthday: ana.birthday! });
      const { code, expiresAt } = await patient.checkin.newCode.mutate();
      expect(code).toMatch(/^\d{8}$/);
      expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now());
      const first = await kiosk.checkin.byKiosk.mutate({ method: "code", code: `${code.slice(0, 4)} ${code.slice(4)}` });
      expect(first).toMatchObject({ status: "checked_in", welcome: { firstName: "Ana", checkedInEarlierToday: true } });
      expect((await kiosk.checkin.byKiosk.mutate({ method: "code", code })).status).toBe("not_found");
      // A new code replaces the earlier one.
      const a = await patient.checkin.newCode.mutate();
      const b = await patient.checkin.newCode.mutate();
      expect((await kiosk.checkin.byKiosk.mutate({ method: "code", code: a.code })).status).toBe("not_found");
      expect((await kiosk.checkin.byKiosk.mutate({ method: "code", code: b.code })).status).toBe("checked_in");
      await expect(kiosk.checkin.byKiosk.mutate({ method: "code", code: "12ab5678" })).rejects.toMatchObject({
        data: { code: "BAD_REQUEST" },
      });

      const device = await kiosk.checkin.device.query();
      expect(device.qrReader).toBeNull();
      await admin.kiosks.setQrReader.mutate({ deviceId: device.id, qrReader: "scanner" });
      expect((await kiosk.checkin.device.query()).qrReader).toBe("scanner");
      expect((await admin.kiosks.list.query()).find((d) => d.id === device.id)?.qrReader).toBe("scanner");
      await admin.kiosks.setQrReader.mutate({ deviceId: device.id, qrReader: null });
    });

    it("tells staff live when a patient checks in", async () => {
      const events: unknown[] = [];
      const ac = new AbortController();
      const listening = (async () => {
        for await (const e of h.app.deps.bus.subscribe(h.practiceIds["bright-smiles"]!, ac.signal)) events.push(e);
      })().catch(() => {});
      await new Promise((r) => setTimeout(r, 10));
      await kiosk.checkin.byKiosk.mutate({ method: "card", cardNumber: ana.cardNumber! });
      ac.abort();
      await listening;
      expect(events).toContainEqual(expect.objectContaining({ type: "checked_in", name: "Ana B.", method: "card" }));
    });
  });

  describe("under load", () => {
    it("many kiosk check-ins at once: each recorded once, audited once and announced live once", async () => {
      const practiceId = h.practiceIds["bright-smiles"]!;
      const patients = (await h.t.db.select().from(members).where(eq(members.practiceId, practiceId)))
        .filter((m) => m.cardNumber && m.status === "member")
        .slice(0, 12);
      // Some patients twice, in one burst.
      const cards = [...patients, ...patients.slice(0, 6)].map((m) => m.cardNumber!);
      const count = async (table: typeof checkIns | typeof auditLog) =>
        Number((await h.t.db.select({ n: sql<string>`count(*)` }).from(table).where(eq(table.practiceId, practiceId)))[0]!.n);
      const [visitsBefore, auditsBefore] = [await count(checkIns), await count(auditLog)];
      const announced: { type: string; memberId?: string }[] = [];
      const ac = new AbortController();
      const listening = (async () => {
        for await (const e of h.app.deps.bus.subscribe(practiceId, ac.signal)) announced.push(e);
      })().catch(() => {});
      await new Promise((r) => setTimeout(r, 10));
      const results = await Promise.all(cards.map((cardNumber) => kiosk.checkin.byKiosk.mutate({ method: "card", cardNumber })));
      await new Promise((r) => setTimeout(r, 10));
      ac.abort();
      await listening;
      expect(results.map((r) => r.status)).toEqual(cards.map(() => "checked_in"));
      expect(results.map((r) => (r.status === "checked_in" ? r.welcome.firstName : null))).toEqual(
        [...patients, ...patients.slice(0, 6)].map((m) => m.firstName),
      );
      expect((await count(checkIns)) - visitsBefore).toBe(cards.length);
      expect((await count(auditLog)) - auditsBefore).toBe(cards.length);
      expect(announced.filter((e) => e.type === "checked_in")).toHaveLength(cards.length);
      for (const m of patients) {
        const [balance] = await h.t.db.select().from(memberBalances).where(eq(memberBalances.memberId, m.id));
        const [sum] = await h.t.db
          .select({ s: sql<string>`coalesce(sum(${ledgerEntries.points}), 0)` })
          .from(ledgerEntries)
          .where(eq(ledgerEntries.memberId, m.id));
        expect(balance!.balance).toBe(Number(sum!.s));
      }
    });
  });

  describe("errors", () => {
    it("answers a wrong birth date exactly like an unknown phone", async () => {
      const wrongDate = await kiosk.checkin.byKiosk.mutate({ method: "phone", phone: ana.phone!, birthday: "1901-01-01" });
      const unknown = await kiosk.checkin.byKiosk.mutate({ method: "phone", phone: "5550000000", birthday: ana.birthday! });
      expect(wrongDate).toEqual(unknown);
      expect(wrongDate.status).toBe("not_found");
    });

    it("sends a shared family phone with the same birth date to the front desk", async () => {
      for (const firstName of ["Twin", "Twain"]) {
        await admin.members.create.mutate({ firstName, lastName: "Family", phone: "(217) 555-7777", birthday: "2015-05-05" });
      }
      const r = await kiosk.checkin.byKiosk.mutate({ method: "phone", phone: "2175557777", birthday: "2015-05-05" });
      expect(r.status).toBe("see_front_desk");
      expect(JSON.stringify(r)).not.toMatch(/Twin|Twain|Family/);
    });

    it("refuses a pairing code twice and a wrong code", async () => {
      const { code } = await admin.kiosks.createPairing.mutate({ name: "Once" });
      await h.client({ ip: "10.3.0.1" }).checkin.pair.mutate({ code });
      await expect(h.client({ ip: "10.3.0.1" }).checkin.pair.mutate({ code })).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    });
  });

  describe("security", () => {
    it("locks a phone after repeated wrong birth dates and alerts staff once", async () => {
      const [other] = await h.t.db.select().from(members).where(eq(members.externalId, "PMS-10002"));
      const results = [];
      for (let i = 0; i < 6; i++) {
        results.push((await kiosk.checkin.byKiosk.mutate({ method: "phone", phone: other!.phone!, birthday: `1950-01-0${i + 1}` })).status);
      }
      expect(results.slice(0, 4)).toEqual(["not_found", "not_found", "not_found", "not_found"]);
      expect(results.slice(4)).toEqual(["see_front_desk", "see_front_desk"]);
      // Even the right birth date is refused while locked.
      expect((await kiosk.checkin.byKiosk.mutate({ method: "phone", phone: other!.phone!, birthday: other!.birthday! })).status).toBe(
        "see_front_desk",
      );
      const alerts = await h.t.db.select().from(auditLog).where(eq(auditLog.action, "kiosk.lockout"));
      expect(alerts).toHaveLength(1);
    });

    it("locks a device after repeated failures of any kind", async () => {
      const k = await pair(admin, "Waiting room");
      for (let i = 0; i < 10; i++) await k.checkin.byKiosk.mutate({ method: "card", cardNumber: `999000${i}` });
      expect((await k.checkin.byKiosk.mutate({ method: "card", cardNumber: ana.cardNumber! })).status).toBe("see_front_desk");
      await admin.kiosks.unlockDevice.mutate({ deviceId: (await k.checkin.device.query()).id });
      expect((await k.checkin.byKiosk.mutate({ method: "card", cardNumber: ana.cardNumber! })).status).toBe("checked_in");
    });

    it("keeps a kiosk inside its practice and away from staff procedures", async () => {
      const vetAdmin = await h.staff("admin", "paws-claws");
      const vetKiosk = await pair(vetAdmin, "Vet desk");
      // The same card number in both practices (cards are unique per practice only): each kiosk finds only its own patient.
      await h.t.db.update(members).set({ cardNumber: ana.cardNumber }).where(eq(members.externalId, "VET-1"));
      const r = await vetKiosk.checkin.byKiosk.mutate({ method: "card", cardNumber: ana.cardNumber! });
      expect(r.status === "checked_in" && r.welcome.firstName).toBe("Riley");
      await expect(vetKiosk.members.findByCard.query({ card: ana.cardNumber! })).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
      await expect(vetKiosk.kiosks.list.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    });

    it("cuts a revoked kiosk off and refuses unpaired callers and team members", async () => {
      const k = await pair(admin, "Old tablet");
      const { id } = await k.checkin.device.query();
      await admin.kiosks.revoke.mutate({ deviceId: id });
      await expect(k.checkin.device.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
      await expect(h.client().checkin.byKiosk.mutate({ method: "card", cardNumber: "1" })).rejects.toMatchObject({
        data: { code: "UNAUTHORIZED" },
      });
      const team = await h.staff("team_member");
      await expect(team.kiosks.createPairing.mutate({ name: "x" })).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    });
  });
});
