// Registration raises `member.registered` exactly once per member, through the rules (welcome points),
// whichever door registers them: converting a lead, merging a lead into a member, a first sign-in with
// a card, an invitation; retried and repeated calls change nothing.
import { events, ledgerEntries, members } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerLeadAndSignIn } from "../auth/member-registration.ts";
import { signInMember } from "../auth/member-sign-in.ts";
import { ledgerSum } from "../ledger/append.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { acceptInvitation, createInvitation, recordFirstLogin } from "./invitations.ts";
import { convertLead, registerLead } from "./leads.ts";

const rules = `
reward "Welcome" on member.registered { award 50 points }
reward "First login" on member.first_login { award 5 points }
`;

describe("registration", () => {
  let t: TestDatabase;
  let p: TestPractice;
  const slug = `reg-${Math.random().toString(36).slice(2, 8)}`;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t, { slug });
    await saveRuleSet({ ctx: p.admin, input: { source: rules, publish: true } });
  });
  afterAll(() => t?.dispose());

  const registeredEvents = async (memberId: string) =>
    t.db
      .select()
      .from(events)
      .where(and(eq(events.practiceId, p.id), eq(events.type, "member.registered"), eq(events.memberId, memberId)));
  const welcome = async (memberId: string) =>
    (await t.db.select().from(ledgerEntries).where(eq(ledgerEntries.memberId, memberId))).filter((e) => e.points === 50);
  const row = async (id: string) => (await t.db.select().from(members).where(eq(members.id, id)))[0]!;

  it("converting a lead registers the member once, with the welcome reward from the rules", async () => {
    const lead = await registerLeadAndSignIn(t.db, {
      practice: slug,
      firstName: "Noa",
      lastName: "Park",
      email: "noa@example.com",
      password: "a long password",
    });
    expect((await row(lead.memberId)).registered).toBe(false);
    expect(await registeredEvents(lead.memberId)).toHaveLength(0);

    const member = await convertLead({ ctx: p.admin, input: { id: lead.memberId } });
    expect(member).toMatchObject({ status: "member", registered: true });
    expect(member.registeredAt).toBeInstanceOf(Date);
    expect(await registeredEvents(lead.memberId)).toHaveLength(1);
    expect(await welcome(lead.memberId)).toHaveLength(1);
    expect(await ledgerSum(t.db, p.id, lead.memberId)).toBe(50);

    // A double click or a retry: refused, saying so, and nothing is awarded twice.
    await expect(convertLead({ ctx: p.admin, input: { id: lead.memberId } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "This lead was already converted.",
    });
    // Signing in afterwards (email and password) does not register again.
    const signedIn = await signInMember(t.db, { practice: slug, email: "noa@example.com", password: "a long password" });
    expect(signedIn.member.status).toBe("member");
    expect(await registeredEvents(lead.memberId)).toHaveLength(1);
    expect(await ledgerSum(t.db, p.id, lead.memberId)).toBe(55);
  });

  it("a team member may not convert a lead", async () => {
    const lead = await registerLead({ ctx: p.system, input: { firstName: "Tim", lastName: "Ro", email: "tim@example.com" } });
    await expect(convertLead({ ctx: p.team, input: { id: lead.id } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await row(lead.id)).registered).toBe(false);
  });

  it("a lead merged into an unregistered member registers the survivor once", async () => {
    const [liam] = await makeMembers(t, p.id, [{ firstName: "Liam", lastName: "Garcia" }]);
    const lead = await registerLead({ ctx: p.system, input: { firstName: "Liam", lastName: "G", email: "liam@example.com" } });
    await convertLead({ ctx: p.admin, input: { id: lead.id, mergeIntoId: liam!.id } });
    expect((await row(liam!.id)).registered).toBe(true);
    expect(await registeredEvents(liam!.id)).toHaveLength(1);
    expect(await registeredEvents(lead.id)).toHaveLength(0);
    expect(await ledgerSum(t.db, p.id, liam!.id)).toBe(50);
  });

  it("a first sign-in with a card registers the member once; later sign-ins do not", async () => {
    const [ana] = await makeMembers(t, p.id, [{ firstName: "Ana", lastName: "Bell", cardNumber: "700100", birthday: "1990-04-02" }]);
    const first = await signInMember(t.db, { practice: slug, cardNumber: "700100", birthday: "1990-04-02" });
    expect(first.firstLogin).toBe(true);
    const after = await row(ana!.id);
    expect(after.registered).toBe(true);
    expect(after.firstLoginAt).not.toBeNull();
    for (let i = 0; i < 3; i++) await signInMember(t.db, { practice: slug, cardNumber: "700100", birthday: "1990-04-02" });
    expect(await registeredEvents(ana!.id)).toHaveLength(1);
    expect(await ledgerSum(t.db, p.id, ana!.id)).toBe(55);
    // The verb itself, called again (a retried request), changes nothing.
    expect(await recordFirstLogin({ ctx: p.asMember(ana!.id), input: { memberId: ana!.id } })).toMatchObject({
      first: false,
      registered: false,
      awards: [],
    });
  });

  it("a member who signed in before registration existed registers at their next sign-in", async () => {
    const [old] = await makeMembers(t, p.id, [
      { firstName: "Old", lastName: "Timer", cardNumber: "700200", birthday: "1970-01-01", firstLoginAt: new Date("2025-01-01") },
    ]);
    const r = await recordFirstLogin({ ctx: p.asMember(old!.id), input: { memberId: old!.id } });
    expect(r).toMatchObject({ first: false, registered: true });
    expect(r.awards.map((a) => a.points)).toEqual([50]);
    expect(await registeredEvents(old!.id)).toHaveLength(1);
  });

  it("a lead signing in is not registered (it registers when converted)", async () => {
    await registerLeadAndSignIn(t.db, {
      practice: slug,
      firstName: "Lee",
      lastName: "D",
      email: "lee@example.com",
      password: "a long password",
    });
    const signedIn = await signInMember(t.db, { practice: slug, email: "lee@example.com", password: "a long password" });
    expect(signedIn.member.status).toBe("lead");
    expect((await row(signedIn.member.id)).registered).toBe(false);
    expect(await registeredEvents(signedIn.member.id)).toHaveLength(0);
  });

  it("an invitation registers once, and a later card sign-in does not register again", async () => {
    const [mia] = await makeMembers(t, p.id, [
      { firstName: "Mia", lastName: "Lo", email: "mia@example.com", cardNumber: "700300", birthday: "1985-05-05" },
    ]);
    const inv = await createInvitation({ ctx: p.team, input: { memberId: mia!.id } });
    const accepted = await acceptInvitation({ ctx: p.system, input: { token: inv.token, password: "correct horse battery" } });
    expect(accepted.awards.map((a) => a.rule)).toEqual(["Welcome"]);
    await signInMember(t.db, { practice: slug, cardNumber: "700300", birthday: "1985-05-05" });
    expect(await registeredEvents(mia!.id)).toHaveLength(1);
    expect(await ledgerSum(t.db, p.id, mia!.id)).toBe(55);
  });
});
