import { members, surveyQuestions } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type TestClient } from "../../testing/harness.ts";
import { readVisitTicket, visitTicket } from "./checkin.ts";

describe("kiosk visit: check-in and survey", () => {
  let h: Harness;
  let admin: TestClient;
  let kiosk: TestClient;
  let other: TestClient;
  let ana: typeof members.$inferSelect;

  const pair = async (name: string) => {
    const { code } = await admin.kiosks.createPairing.mutate({ name });
    const { token } = await h.client().checkin.pair.mutate({ code });
    return h.client({ headers: { authorization: `Bearer ${token}` } });
  };

  beforeAll(async () => {
    h = await createHarness({ members: 5 });
    admin = await h.staff("admin");
    kiosk = await pair("Front desk");
    other = await pair("Hallway");
    ana = (
      await h.t.db
        .select()
        .from(members)
        .where(and(eq(members.practiceId, h.practiceIds["bright-smiles"]!), eq(members.firstName, "Ana")))
    )[0]!;
    await admin.rules.save.mutate({
      source: 'reward "Check-in" on visit.checked_in {\n  award 10 points\n  limit once per day\n}\n',
      publish: true,
    });
  });
  afterAll(async () => h?.dispose());

  it("records the visit: points earned now, balance, and nothing more than first name and initial", async () => {
    const r = await kiosk.checkin.byKiosk.mutate({ method: "card", cardNumber: ana.cardNumber! });
    expect(r.status).toBe("checked_in");
    if (r.status !== "checked_in") return;
    expect(r.welcome).toMatchObject({
      firstName: "Ana",
      lastInitial: ana.lastName[0],
      pointsEarned: 10,
      balance: 10,
      surveyAvailable: false,
    });
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
    expect(r.surveyTicket).toBeNull();
  });

  it("answers not_found, then see_front_desk (locked) after repeated failures", async () => {
    for (let i = 0; i < 4; i++)
      expect(await kiosk.checkin.byKiosk.mutate({ method: "card", cardNumber: "99999999" })).toEqual({ status: "not_found" });
    expect(await kiosk.checkin.byKiosk.mutate({ method: "card", cardNumber: "99999999" })).toEqual({
      status: "see_front_desk",
      reason: "locked",
    });
  });

  it("lets the patient take the survey with the visit ticket, on this device only", async () => {
    const [q] = await h.t.db
      .insert(surveyQuestions)
      .values({ practiceId: h.practiceIds["bright-smiles"]!, text: "Did you brush?" })
      .returning();
    const r = await kiosk.checkin.byKiosk.mutate({ method: "phone", phone: ana.phone!, birthday: ana.birthday! });
    if (r.status !== "checked_in") throw new Error(r.status);
    expect(r.surveyTicket).toBeTruthy();
    const ticket = r.surveyTicket!;
    expect(await other.checkin.visitSurvey.query({ ticket })).toEqual({ status: "expired" });
    expect(await kiosk.checkin.visitSurvey.query({ ticket })).toEqual({ status: "ok", questions: [{ id: q!.id, text: "Did you brush?" }] });
    const done = await kiosk.checkin.submitVisitSurvey.mutate({ ticket, answers: [{ questionId: q!.id, positive: true }] });
    expect(done).toMatchObject({ status: "submitted", perfect: true });
  });

  it("refuses callers that are not a paired kiosk", async () => {
    await expect(admin.checkin.byKiosk.mutate({ method: "card", cardNumber: ana.cardNumber! })).rejects.toMatchObject({
      data: { code: "UNAUTHORIZED" },
    });
  });

  it("tickets are opaque, expire and cannot be forged or moved to another device", () => {
    const member = "0190f1d2-aaaa-7bbb-8ccc-123456789abc";
    const t = visitTicket("s", "d", member, 1_000);
    expect(t).not.toContain(member);
    expect(Buffer.from(t.slice(3), "base64url").toString("latin1")).not.toContain(member);
    expect(visitTicket("s", "d", member, 1_000)).not.toBe(t); // a fresh one each time: not linkable
    expect(readVisitTicket("s", "d", t, 2_000)).toBe(member);
    expect(readVisitTicket("s", "d", t, 1_000 + 5 * 60_000 + 1)).toBeNull();
    expect(readVisitTicket("s", "other-device", t, 2_000)).toBeNull();
    expect(readVisitTicket("other", "d", t, 2_000)).toBeNull();
    const raw = Buffer.from(t.slice(3), "base64url");
    raw[14]! ^= 1;
    expect(readVisitTicket("s", "d", `v2.${raw.toString("base64url")}`, 2_000)).toBeNull();
    expect(readVisitTicket("s", "d", `v1.${member}.${1_000 + 60_000}.xxxxxxxx`, 2_000)).toBeNull();
    expect(readVisitTicket("s", "d", "v2.", 2_000)).toBeNull();
  });

  it("no kiosk answer carries a member id: not the check-in, not the ticket, not the survey", async () => {
    const ids = (await h.t.db.select({ id: members.id }).from(members)).map((m) => m.id);
    const leaks = (value: unknown) => {
      const text = JSON.stringify(value);
      return ids.filter((id) => text.includes(id) || text.includes(id.replaceAll("-", "")));
    };
    const answers: unknown[] = [];
    for (const input of [
      { method: "card" as const, cardNumber: ana.cardNumber! },
      { method: "phone" as const, phone: ana.phone!, birthday: ana.birthday! },
    ]) {
      const r = await kiosk.checkin.byKiosk.mutate(input);
      expect(r.status).toBe("checked_in");
      if (r.status !== "checked_in") continue;
      expect(Object.keys(r).sort()).toEqual(["status", "surveyTicket", "welcome"]);
      expect(r.surveyTicket).toMatch(/^v2\.[\w-]+$/);
      expect(Buffer.from(r.surveyTicket!.slice(3), "base64url").toString("latin1")).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
      answers.push(r, await kiosk.checkin.visitSurvey.query({ ticket: r.surveyTicket! }));
    }
    answers.push(await kiosk.checkin.device.query());
    expect(answers.flatMap(leaks)).toEqual([]);
  });
});
