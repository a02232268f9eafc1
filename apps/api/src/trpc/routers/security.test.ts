// Staff second factor (TOTP, recovery codes, who must use it, sessions ended on changes) and the
// access audit, through the API. TOTP codes are computed from RFC 6238 itself (testing/totp.ts),
// independently of the library the server uses.
import { deleteExpiredMemberAccess } from "@tally/core";
import { memberAccessLog, members, practiceSecurity } from "@tally/db";
import { TRPCClientError } from "@trpc/client";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, demoLogins, type Harness, type TestClient } from "../../testing/harness.ts";
import { stepNow, totp } from "../../testing/totp.ts";

const codeOf = (e: unknown) => (e instanceof TRPCClientError ? (e.data as { appCode?: string; code?: string }) : undefined);
const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!e) throw new Error("expected the call to be refused");
  return { appCode: codeOf(e)?.appCode, message: (e as Error).message };
};

describe("staff second factor and access audit", () => {
  let h: Harness;
  let n = 0;
  /** The paws-claws admin, enrolled in the "admins by default" test and signed in since. */
  let pawsAdmin: TestClient;
  beforeAll(async () => {
    // Many sign-ins from one address: the per-process rate limit is not what these tests are about.
    h = await createHarness({
      members: 3,
      config: {
        rateLimits: {
          signIn: { max: 1000, windowMs: 60_000 },
          identify: { max: 30, windowMs: 60_000 },
          pair: { max: 10, windowMs: 60_000 },
        },
      },
    });
  });
  afterAll(async () => h?.dispose());

  /** A new staff user of the practice with their own password, signed in. */
  async function newStaff(admin: TestClient, role: "admin" | "team_member" = "team_member") {
    n++;
    const email = `person${n}@security.test`;
    const { user, temporaryPassword } = await admin.staff.create.mutate({ email, name: `Person ${n}`, role });
    const password = `a-good-passphrase-${n}`;
    const c = h.client();
    await c.auth.signIn.mutate({ email, password: temporaryPassword });
    await c.auth.changePassword.mutate({ currentPassword: temporaryPassword, newPassword: password });
    return { c, id: user.id, email, password };
  }

  async function enrol(c: TestClient) {
    const started = await c.security.startEnrolment.mutate();
    const step = stepNow();
    const { recoveryCodes } = await c.security.confirmEnrolment.mutate({ code: totp(started.secret, step) });
    return { secret: started.secret, uri: started.uri, step, recoveryCodes };
  }

  it("enrols with a code, then signs in in two steps; wrong and replayed codes are refused", async () => {
    const admin = await h.staff("admin");
    const person = await newStaff(admin);
    const other = h.client();
    await other.auth.signIn.mutate({ email: person.email, password: person.password });

    const before = await person.c.security.status.query();
    expect(before).toMatchObject({ enabled: false, required: false, recoveryCodesLeft: 0 });
    const started = await person.c.security.startEnrolment.mutate();
    expect(started.uri).toMatch(/^otpauth:\/\/totp\//);
    expect(started.uri).toContain(`secret=${started.secret}`);
    expect(started.uri).toContain("digits=6");
    expect(started.uri).toContain("period=30");
    expect(
      await failure(
        person.c.security.confirmEnrolment.mutate({ code: "000000" === totp(started.secret, stepNow()) ? "111111" : "000000" }),
      ),
    ).toMatchObject({ appCode: "INVALID_INPUT" });
    const step = stepNow();
    const { recoveryCodes } = await person.c.security.confirmEnrolment.mutate({ code: totp(started.secret, step) });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(await person.c.security.status.query()).toMatchObject({ enabled: true, recoveryCodesLeft: 10 });
    // Enrolling ends the person's other sessions; the one that enrolled goes on.
    expect(await failure(other.auth.me.query())).toMatchObject({ message: expect.stringMatching(/sign in/i) });
    expect((await person.c.auth.me.query()).email).toBe(person.email);

    // The password alone opens no session now: it earns a challenge.
    const c = h.client();
    const first = await c.auth.signIn.mutate({ email: person.email, password: person.password });
    expect(first.secondFactorRequired).toBe(true);
    if (!first.secondFactorRequired) throw new Error("expected a challenge");
    expect(c.jar.has("tally_staff")).toBe(false);
    expect(await failure(c.members.search.query({}))).toMatchObject({ message: expect.stringMatching(/sign in/i) });

    const wrong = totp(started.secret, step + 5);
    expect(await failure(c.security.completeSignIn.mutate({ challenge: first.challenge, code: wrong }))).toMatchObject({
      appCode: "UNAUTHORIZED",
      message: expect.stringMatching(/not right/),
    });
    // The code used to enrol, again within its step: refused as a replay.
    expect(await failure(c.security.completeSignIn.mutate({ challenge: first.challenge, code: totp(started.secret, step) }))).toMatchObject(
      {
        appCode: "UNAUTHORIZED",
        message: expect.stringMatching(/used already/),
      },
    );
    const fresh = totp(started.secret, step + 1);
    const done = await c.security.completeSignIn.mutate({ challenge: first.challenge, code: fresh });
    expect(done.staff.email).toBe(person.email);
    expect(c.jar.get("tally_staff")).toMatch(/^s_/);
    expect((await c.auth.me.query()).email).toBe(person.email);
    // A challenge is used once.
    expect(await failure(c.security.completeSignIn.mutate({ challenge: first.challenge, code: fresh }))).toMatchObject({
      message: expect.stringMatching(/expired/),
    });
    // The same fresh code with a new challenge: a replay too.
    const again = await h.client().auth.signIn.mutate({ email: person.email, password: person.password });
    if (!again.secondFactorRequired) throw new Error("expected a challenge");
    expect(await failure(h.client().security.completeSignIn.mutate({ challenge: again.challenge, code: fresh }))).toMatchObject({
      message: expect.stringMatching(/used already/),
    });

    // A recovery code works once.
    const r = h.client();
    const third = await r.auth.signIn.mutate({ email: person.email, password: person.password });
    if (!third.secondFactorRequired) throw new Error("expected a challenge");
    await r.security.completeSignIn.mutate({ challenge: third.challenge, code: recoveryCodes[0]!.toUpperCase() });
    expect(await r.security.status.query()).toMatchObject({ recoveryCodesLeft: 9 });
    const fourth = await h.client().auth.signIn.mutate({ email: person.email, password: person.password });
    if (!fourth.secondFactorRequired) throw new Error("expected a challenge");
    expect(
      await failure(h.client().security.completeSignIn.mutate({ challenge: fourth.challenge, code: recoveryCodes[0]! })),
    ).toMatchObject({
      appCode: "UNAUTHORIZED",
    });
    await h.client().security.completeSignIn.mutate({ challenge: fourth.challenge, code: recoveryCodes[1]! });
  });

  it("locks the second step after five wrong codes, like passwords", async () => {
    const admin = await h.staff("admin");
    const person = await newStaff(admin);
    const { secret, step } = await enrol(person.c);
    const c = h.client();
    const answer = await c.auth.signIn.mutate({ email: person.email, password: person.password });
    if (!answer.secondFactorRequired) throw new Error("expected a challenge");
    // Five codes that are none of the valid ones around now.
    const valid = new Set([-2, -1, 0, 1, 2].map((d) => totp(secret, stepNow() + d)));
    const wrong = ["123456", "654321", "111111", "222222", "333333", "444444", "555555", "777777"].filter((x) => !valid.has(x)).slice(0, 5);
    for (const code of wrong)
      expect(await failure(c.security.completeSignIn.mutate({ challenge: answer.challenge, code }))).toMatchObject({
        appCode: "UNAUTHORIZED",
      });
    // Now even the right code is refused until the lockout ends.
    expect(await failure(c.security.completeSignIn.mutate({ challenge: answer.challenge, code: totp(secret, step + 1) }))).toMatchObject({
      appCode: "LOCKED",
    });
  });

  it("requires admins to enrol by default: until they do, only enrolment answers", async () => {
    const paws = h.practiceIds["paws-claws"]!;
    const admin = await h.staff("admin", "paws-claws");
    expect(await admin.security.rule.query()).toEqual({ mfaRequired: "off" });
    // A practice without the demo's exception: the default rule.
    await h.t.db.delete(practiceSecurity).where(eq(practiceSecurity.practiceId, paws));
    expect(await admin.security.rule.query()).toEqual({ mfaRequired: "admins" });
    expect((await admin.auth.me.query()).mustEnrol).toBe(true);
    expect(await failure(admin.members.search.query({}))).toMatchObject({ appCode: "SECOND_FACTOR_ENROLMENT_REQUIRED" });
    expect(await failure(admin.security.setRule.mutate({ mfaRequired: "everyone" }))).toMatchObject({
      appCode: "SECOND_FACTOR_ENROLMENT_REQUIRED",
    });
    expect(await admin.security.status.query()).toMatchObject({ enabled: false, required: true });
    // A password-only sign-in of an admin who must enrol says so (the admin app leads them there).
    const login = demoLogins.find((l) => l.practice === "paws-claws")!;
    const fresh = await h.client().auth.signIn.mutate({ email: login.email, password: login.password });
    expect(fresh).toMatchObject({ secondFactorRequired: false, mustEnrol: true });

    const { recoveryCodes } = await enrol(admin);
    expect(recoveryCodes).toHaveLength(10);
    pawsAdmin = admin;
    // "off" is never accepted through the API.
    expect(await failure(admin.security.setRule.mutate({ mfaRequired: "off" as "admins" }))).toMatchObject({ appCode: "INVALID_INPUT" });
    expect((await admin.auth.me.query()).mustEnrol).toBe(false);
    expect(await admin.members.search.query({})).toBeTruthy();
    // Required of admins: it cannot be turned off by the admin.
    expect(await failure(admin.security.disable.mutate({ password: login.password }))).toMatchObject({ appCode: "FORBIDDEN" });
  });

  it("ends the other sessions on a password change and on every second-factor change", async () => {
    const admin = await h.staff("admin");
    const person = await newStaff(admin);
    const signInAgain = async () => {
      const c = h.client();
      const answer = await c.auth.signIn.mutate({ email: person.email, password: person.password });
      return { c, answer };
    };
    // Password change: the other session ends, this one goes on.
    const other = (await signInAgain()).c;
    const newPassword = "another-good-passphrase";
    await person.c.auth.changePassword.mutate({ currentPassword: person.password, newPassword });
    person.password = newPassword;
    expect(await failure(other.auth.me.query())).toMatchObject({ message: expect.stringMatching(/sign in/i) });
    expect((await person.c.auth.me.query()).email).toBe(person.email);

    // New recovery codes: the other session ends, and the old codes stop working.
    const { recoveryCodes } = await enrol(person.c);
    const { answer } = await signInAgain();
    if (!answer.secondFactorRequired) throw new Error("expected a challenge");
    const second = h.client();
    await second.security.completeSignIn.mutate({ challenge: answer.challenge, code: recoveryCodes[0]! });
    const renewed = await person.c.security.regenerateRecoveryCodes.mutate();
    expect(renewed.recoveryCodes).toHaveLength(10);
    expect(await failure(second.auth.me.query())).toMatchObject({ message: expect.stringMatching(/sign in/i) });
    const old = await signInAgain();
    if (!old.answer.secondFactorRequired) throw new Error("expected a challenge");
    expect(await failure(old.c.security.completeSignIn.mutate({ challenge: old.answer.challenge, code: recoveryCodes[1]! }))).toMatchObject(
      {
        appCode: "UNAUTHORIZED",
      },
    );

    // Turning it off (optional for team members here): the other session ends.
    const third = await signInAgain();
    if (!third.answer.secondFactorRequired) throw new Error("expected a challenge");
    await third.c.security.completeSignIn.mutate({ challenge: third.answer.challenge, code: renewed.recoveryCodes[0]! });
    expect(await failure(person.c.security.disable.mutate({ password: "not-the-password" }))).toMatchObject({ appCode: "UNAUTHORIZED" });
    await person.c.security.disable.mutate({ password: person.password });
    expect(await failure(third.c.auth.me.query())).toMatchObject({ message: expect.stringMatching(/sign in/i) });
    expect((await signInAgain()).answer.secondFactorRequired).toBe(false);

    // An admin's reset: every session of the person ends, and the password alone signs in again.
    await enrol(person.c);
    expect(await failure(admin.security.resetStaff.mutate({ staffUserId: person.id }).then(() => person.c.auth.me.query()))).toMatchObject({
      message: expect.stringMatching(/sign in/i),
    });
    expect(await person.c.auth.signIn.mutate({ email: person.email, password: person.password })).toMatchObject({
      secondFactorRequired: false,
    });
    // Team members cannot reset anyone.
    const team = await h.staff("team_member");
    expect(await failure(team.security.resetStaff.mutate({ staffUserId: person.id }))).toMatchObject({
      message: expect.stringMatching(/not allowed|admin/i),
    });
  });

  it("requires everyone once an admin turns it on: a team member is held at enrolment", async () => {
    const admin = pawsAdmin;
    const person = await newStaff(admin);
    expect((await person.c.auth.me.query()).mustEnrol).toBe(false);
    await admin.security.setRule.mutate({ mfaRequired: "everyone" });
    expect(await admin.security.rule.query()).toEqual({ mfaRequired: "everyone" });
    expect((await person.c.auth.me.query()).mustEnrol).toBe(true);
    expect(await failure(person.c.members.search.query({}))).toMatchObject({ appCode: "SECOND_FACTOR_ENROLMENT_REQUIRED" });
    await enrol(person.c);
    expect(await person.c.members.search.query({})).toBeTruthy();
    expect(await failure(person.c.security.disable.mutate({ password: person.password }))).toMatchObject({ appCode: "FORBIDDEN" });
  });

  it("records every staff read of a member's profile, history and survey answers; admins list and export them", async () => {
    const practiceId = h.practiceIds["bright-smiles"]!;
    const [member] = await h.t.db.select().from(members).where(eq(members.practiceId, practiceId)).limit(1);
    const admin = await h.staff("admin");
    const reader = await newStaff(admin);
    const me = await reader.c.auth.me.query();

    await reader.c.members.get.query({ id: member!.id });
    await reader.c.ledger.history.query({ memberId: member!.id, limit: 100 });
    await reader.c.engagement.surveyResponses.query({ memberId: member!.id });
    await reader.c.members.search.query({}); // a list of members is not a read of one member's records

    const rows = await h.t.db
      .select()
      .from(memberAccessLog)
      .where(and(eq(memberAccessLog.staffUserId, me.id), eq(memberAccessLog.practiceId, practiceId)));
    expect(rows.map((r) => r.action).sort()).toEqual(["member.history.read", "member.profile.read", "member.surveys.read"]);
    expect(rows.every((r) => r.memberId === member!.id)).toBe(true);

    const byMember = await admin.security.accessLog.query({ memberId: member!.id });
    expect(byMember.filter((r) => r.staffUserId === me.id).map((r) => r.what)).toEqual([
      "Read the survey answers",
      "Read the points history",
      "Opened the profile (details and visits)",
    ]);
    expect(byMember[0]).toMatchObject({ staffName: me.name, memberName: `${member!.firstName} ${member!.lastName}` });
    const byStaff = await admin.security.accessLog.query({ staffUserId: me.id });
    expect(byStaff).toHaveLength(3);

    const csv = await admin.security.accessLogCsv.query({ staffUserId: me.id });
    const lines = csv.csv.trim().split("\n");
    expect(lines[0]).toBe("at,staff_user_id,staff_name,staff_email,member_id,member_name,action,what");
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain("member.surveys.read");
    expect(lines[1]).toContain(reader.email);
    expect(csv.filename).toMatch(/^access-log-staff-\d{4}-\d{2}-\d{2}\.csv$/);

    // Only admins see the log.
    expect(await failure(reader.c.security.accessLog.query({ memberId: member!.id }))).toMatchObject({
      message: expect.stringMatching(/not allowed|admin/i),
    });

    // Kept six years: older rows go with the daily cleanup, newer ones stay.
    const old = new Date();
    old.setUTCFullYear(old.getUTCFullYear() - 6);
    old.setUTCDate(old.getUTCDate() - 1);
    await h.t.db
      .insert(memberAccessLog)
      .values({ practiceId, staffUserId: me.id, memberId: member!.id, action: "member.profile.read", at: old });
    expect(await admin.security.accessLog.query({ staffUserId: me.id })).toHaveLength(4);
    expect(await deleteExpiredMemberAccess(h.t.db)).toBe(1);
    expect(await admin.security.accessLog.query({ staffUserId: me.id })).toHaveLength(3);
  });
});
