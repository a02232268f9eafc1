import { invitations, ledgerEntries, members } from "@tally/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../auth/tokens.ts";
import { adjustPoints } from "../ledger/adjust-points.ts";
import { ledgerSum } from "../ledger/append.ts";
import { getBalance } from "../ledger/balance.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { runBirthdays } from "./birthdays.ts";
import { createMember } from "./create-member.ts";
import { getMember } from "./get-member.ts";
import { acceptInvitation, createInvitation, recordFirstLogin } from "./invitations.ts";
import { convertLead, listLeads, registerLead } from "./leads.ts";
import { mergeMembers } from "./merge-members.ts";
import { recordConsent } from "./record-consent.ts";
import { searchMembers } from "./search-members.ts";
import { normalizeCardNumber } from "./shared.ts";
import { connectCard, findMemberByCard, setTags, updateMember } from "./update-member.ts";

const rules = `
reward "Media consent" on consent.given when consent.kind = "media" and consent.full {
  award 100 points
  limit once per member
}
reward "Welcome" on member.registered { award 20 points }
reward "First login" on member.first_login { award 10 points }
reward "Birthday" on member.birthday {
  award 25 points
  limit once per year
}
`;

describe("members", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let ana: Awaited<ReturnType<typeof createMember>>;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t, { timezone: "America/Chicago" });
    await saveRuleSet({ ctx: p.admin, input: { source: rules, publish: true } });
    ana = await createMember({
      ctx: p.team,
      input: {
        firstName: "Ana",
        lastName: "Bell",
        email: "Ana.Bell@Example.com",
        phone: "(217) 555-0101",
        birthday: "1990-04-02",
        cardNumber: "%B40000007^BELL/ANA^2512?",
        tags: ["Braces", "vip"],
      },
    });
    await createMember({
      ctx: p.team,
      input: {
        firstName: "Liam",
        lastName: "Garcia",
        email: "liam@example.com",
        phone: "2175550102",
        cardNumber: ";40000014=2512?",
        tags: ["aligners"],
      },
    });
    await createMember({ ctx: p.team, input: { firstName: "Anabel", lastName: "Stone", phone: "2175550199" } });
  });
  afterAll(() => t?.dispose());

  it("normalises card swipes and scans to digits", () => {
    expect(normalizeCardNumber("%B4000 0007^BELL/ANA^2512?")).toBe("40000007");
    expect(normalizeCardNumber(";40000014=25121010000?")).toBe("40000014");
    expect(normalizeCardNumber("  4000-0021 ")).toBe("40000021");
    expect(() => normalizeCardNumber("%B^^?")).toThrow();
    expect(ana.cardNumber).toBe("40000007");
    expect(ana.email).toBe("ana.bell@example.com");
    expect(ana.phone).toBe("2175550101");
    expect(ana.tags).toEqual(["braces", "vip"]);
  });

  it("searches by a few letters of name, email, phone or card, with filters and paging", async () => {
    const names = async (input: Parameters<typeof searchMembers>[0]["input"]) =>
      (await searchMembers({ ctx: p.team, input })).items.map((m) => m.firstName).sort();
    expect(await names({ q: "ana" })).toEqual(["Ana", "Anabel"]);
    expect(await names({ q: "ana bell" })).toEqual(["Ana"]);
    expect(await names({ q: "liam@" })).toEqual(["Liam"]);
    expect(await names({ q: "0199" })).toEqual(["Anabel"]);
    expect(await names({ q: "4000001" })).toEqual(["Liam"]);
    expect(await names({ tag: "vip" })).toEqual(["Ana"]);
    expect(await names({ registered: true })).toEqual([]);
    const page = await searchMembers({ ctx: p.team, input: { pageSize: 2, page: 2 } });
    expect(page.total).toBe(3);
    expect(page.items).toHaveLength(1);
    expect(await names({ q: "%" })).toEqual([]);
  });

  it("updates details and tags; connects and replaces a card; looks members up by card", async () => {
    await updateMember({ ctx: p.team, input: { id: ana.id, phone: "+1 217 555 0111" } });
    const tagged = await setTags({ ctx: p.team, input: { id: ana.id, add: ["retainer"], remove: ["braces"] } });
    expect(tagged.tags.sort()).toEqual(["retainer", "vip"]);
    expect((await findMemberByCard({ ctx: p.kiosk, input: { card: "%B40000007^X^?" } }))?.id).toBe(ana.id);
    await connectCard({ ctx: p.team, input: { id: ana.id, card: "50000001" } });
    expect(await findMemberByCard({ ctx: p.kiosk, input: { card: "40000007" } })).toBeNull();
    expect((await findMemberByCard({ ctx: p.kiosk, input: { card: ";50000001=1?" } }))?.phone).toBe("2175550111");
    await expect(connectCard({ ctx: p.team, input: { id: ana.id, card: "40000014" } })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("records consent and the automatic reward fires once", async () => {
    expect(
      (await recordConsent({ ctx: p.asMember(ana.id), input: { memberId: ana.id, kind: "media" } })).awards.map((a) => a.points),
    ).toEqual([100]);
    // Given already: nothing new is recorded and the reward does not run again.
    expect(await recordConsent({ ctx: p.team, input: { memberId: ana.id, kind: "media" } })).toMatchObject({ already: true, awards: [] });
    const profile = await getMember({ ctx: p.team, input: { id: ana.id } });
    expect(profile.balance).toBe(100);
    expect(profile.consents).toHaveLength(1);
  });

  it("invitations: only a hash is stored, the token works once and expires", async () => {
    const inv = await createInvitation({ ctx: p.team, input: { memberId: ana.id } });
    const [stored] = await t.db.select().from(invitations).where(eq(invitations.id, inv.invitationId));
    expect(stored!.tokenHash).toBe(hashToken(inv.token));
    expect(stored!.tokenHash).not.toContain(inv.token);
    const accepted = await acceptInvitation({ ctx: p.system, input: { token: inv.token, password: "correct horse battery" } });
    expect(accepted.awards.map((a) => a.rule)).toEqual(["Welcome"]);
    await expect(acceptInvitation({ ctx: p.system, input: { token: inv.token, password: "correct horse battery" } })).rejects.toMatchObject(
      { code: "NOT_FOUND" },
    );
    const liam = (await searchMembers({ ctx: p.team, input: { q: "liam" } })).items[0]!;
    const expired = await createInvitation({ ctx: p.team, input: { memberId: liam.id } });
    await t.db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.id, expired.invitationId));
    await expect(
      acceptInvitation({ ctx: p.system, input: { token: expired.token, password: "correct horse battery" } }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await recordFirstLogin({ ctx: p.asMember(ana.id), input: { memberId: ana.id } })).awards.map((a) => a.points)).toEqual([10]);
    expect((await recordFirstLogin({ ctx: p.asMember(ana.id), input: { memberId: ana.id } })).first).toBe(false);
  });

  it("birthdays: once per member per year, on the local date", async () => {
    // 2026-04-02 03:00 UTC is still April 1 in Chicago.
    expect((await runBirthdays({ ctx: p.system, input: { at: new Date("2026-04-02T03:00:00Z") } })).members).toEqual([]);
    const r = await runBirthdays({ ctx: p.system, input: { at: new Date("2026-04-02T15:00:00Z") } });
    expect(r.members).toEqual([ana.id]);
    expect(r.points).toBe(25);
    expect((await runBirthdays({ ctx: p.system, input: { at: new Date("2026-04-02T20:00:00Z") } })).members).toEqual([]);
    await expect(runBirthdays({ ctx: p.admin, input: {} })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("merges a duplicate: points move as new entries, history stays, the duplicate is hidden", async () => {
    const dup = await createMember({ ctx: p.team, input: { firstName: "Ana", lastName: "Bell", externalId: "PMS-9", tags: ["braces"] } });
    await adjustPoints({ ctx: p.team, input: { memberId: dup.id, points: 40, note: "old record" } });
    const before = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.memberId, dup.id));
    const anaBefore = (await getBalance({ ctx: p.team, input: { memberId: ana.id } })).balance;
    const merged = await mergeMembers({ ctx: p.admin, input: { sourceId: dup.id, targetId: ana.id } });
    expect(merged.pointsMoved).toBe(40);
    expect(merged.member.externalId).toBe("PMS-9");
    expect(merged.member.tags).toContain("braces");
    expect((await getBalance({ ctx: p.team, input: { memberId: ana.id } })).balance).toBe(anaBefore + 40);
    expect(await ledgerSum(t.db, p.id, dup.id)).toBe(0);
    const after = await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.memberId, dup.id));
    expect(after.slice(0, before.length)).toEqual(before);
    const [row] = await t.db.select().from(members).where(eq(members.id, dup.id));
    expect(row!.status).toBe("merged");
    expect((await searchMembers({ ctx: p.team, input: { q: "ana bell" } })).items.map((m) => m.id)).toEqual([ana.id]);
    await expect(mergeMembers({ ctx: p.team, input: { sourceId: dup.id, targetId: ana.id } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(mergeMembers({ ctx: p.admin, input: { sourceId: dup.id, targetId: ana.id } })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("leads: limited until converted, or merged into an existing member", async () => {
    const lead = await registerLead({
      ctx: p.system,
      input: { firstName: "Noah", lastName: "Lee", email: "noah@example.com", note: "never got a card" },
    });
    expect((await listLeads({ ctx: p.team })).items.map((m) => m.id)).toEqual([lead.id]);
    expect((await searchMembers({ ctx: p.team, input: { q: "noah" } })).items).toEqual([]);
    await expect(adjustPoints({ ctx: p.team, input: { memberId: lead.id, points: 5, note: "x" } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const member = await convertLead({ ctx: p.admin, input: { id: lead.id } });
    expect(member.status).toBe("member");
    await adjustPoints({ ctx: p.team, input: { memberId: lead.id, points: 5, note: "welcome" } });
    const lead2 = await registerLead({ ctx: p.system, input: { firstName: "Ana", lastName: "B", email: "ana2@example.com" } });
    const survivor = await convertLead({ ctx: p.admin, input: { id: lead2.id, mergeIntoId: ana.id } });
    expect(survivor.id).toBe(ana.id);
    expect((await listLeads({ ctx: p.team })).total).toBe(0);
  });

  it("test mode hides the balance from the patient but not from staff", async () => {
    const q = await makePractice(t, { status: "test" });
    const m = await createMember({ ctx: q.team, input: { firstName: "Tess", lastName: "Mode" } });
    await adjustPoints({ ctx: q.team, input: { memberId: m.id, points: 9, note: "x" } });
    expect((await getMember({ ctx: q.asMember(m.id), input: { id: m.id } })).balance).toBeNull();
    expect((await getMember({ ctx: q.team, input: { id: m.id } })).balance).toBe(9);
    await expect(getMember({ ctx: q.asMember(m.id), input: { id: ana.id } })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
