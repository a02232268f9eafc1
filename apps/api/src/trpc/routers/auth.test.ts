import { sessions, staffUsers } from "@tally/db";
import { TRPCClientError } from "@trpc/client";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, demoLogins, type Harness } from "../../testing/harness.ts";

const admin = demoLogins[0];
const codeOf = (e: unknown) => (e instanceof TRPCClientError ? (e.data as { appCode?: string; code?: string }) : undefined);

describe("auth (staff and patients)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.dispose());

  describe("happy path", () => {
    it("signs staff in with an HttpOnly SameSite cookie and a new session id each time", async () => {
      const c = h.client();
      const res = await h.request("/trpc/auth.signIn", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: admin.email, password: admin.password }),
      });
      expect(res.status).toBe(200);
      const cookie = res.headers.get("set-cookie")!;
      expect(cookie).toMatch(/^tally_staff=s_/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(cookie).not.toMatch(/Secure/); // plain http in tests

      await c.auth.signIn.mutate({ email: admin.email, password: admin.password });
      const first = c.jar.get("tally_staff");
      await c.auth.signIn.mutate({ email: admin.email.toUpperCase(), password: admin.password });
      const second = c.jar.get("tally_staff");
      expect(second).not.toBe(first);
      const me = await c.auth.me.query();
      expect(me).toMatchObject({
        email: admin.email,
        role: "admin",
        practiceId: h.practiceIds["bright-smiles"],
        mustChangePassword: false,
      });
    });

    it("creates staff with a temporary password that must be changed before anything else", async () => {
      const a = await h.staff("admin");
      const { user, temporaryPassword } = await a.staff.create.mutate({
        email: "new.hire@brightsmiles.test",
        name: "New Hire",
        role: "team_member",
      });
      expect(user.mustChangePassword).toBe(true);

      const n = h.client();
      const signIn = await n.auth.signIn.mutate({ email: "new.hire@brightsmiles.test", password: temporaryPassword });
      expect(signIn.secondFactorRequired === false && signIn.mustChangePassword).toBe(true);
      const blocked = await n.kiosks.list.query().catch((e: unknown) => e);
      expect(codeOf(blocked)?.appCode).toBe("PASSWORD_CHANGE_REQUIRED");
      await n.auth.changePassword.mutate({ currentPassword: temporaryPassword, newPassword: "a-much-better-passphrase" });
      expect((await n.auth.me.query()).mustChangePassword).toBe(false);

      const { temporaryPassword: reset } = await a.staff.resetPassword.mutate({ staffUserId: user.id });
      await expect(n.auth.me.query()).rejects.toThrow(/sign in/i); // reset signs the user out everywhere
      const again = await h.client().auth.signIn.mutate({ email: "new.hire@brightsmiles.test", password: reset });
      expect(again.secondFactorRequired === false && again.mustChangePassword).toBe(true);
    });

    it("signs out and signs out everywhere", async () => {
      const one = await h.staff("team_member");
      const two = await h.staff("team_member");
      await one.auth.signOut.mutate();
      expect(one.jar.has("tally_staff")).toBe(false);
      await expect(one.auth.me.query()).rejects.toThrow();
      await two.auth.me.query();
      const three = await h.staff("team_member");
      expect((await three.auth.signOutEverywhere.mutate()).ended).toBeGreaterThanOrEqual(2);
      await expect(two.auth.me.query()).rejects.toThrow();
    });

    it("signs a patient in by card number + birth date and by email + password", async () => {
      const [m] = await h.t.db.query.members.findMany({
        where: (t, { eq }) => eq(t.practiceId, h.practiceIds["bright-smiles"]!),
        limit: 1,
      });
      const p = h.client();
      const r = await p.auth.member.signIn.mutate({ practice: "bright-smiles", cardNumber: m!.cardNumber!, birthday: m!.birthday! });
      expect(r.member.firstName).toBe(m!.firstName);
      expect(p.jar.get("tally_member")).toMatch(/^m_/);
      await p.auth.member.setPassword.mutate({ newPassword: "patient-passphrase-1" });
      const q = h.client();
      await q.auth.member.signIn.mutate({ email: m!.email!, password: "patient-passphrase-1" });
      expect((await q.auth.member.me.query()).id).toBe(m!.id);
      // A patient cookie is not a staff session.
      await expect(q.auth.me.query()).rejects.toThrow();
    });
  });

  describe("errors", () => {
    it("gives one answer for an unknown email and a wrong password", async () => {
      const c = h.client({ ip: "10.9.9.1" });
      const unknown = await c.auth.signIn.mutate({ email: "nobody@nowhere.test", password: "x" }).catch((e) => e);
      const wrong = await c.auth.signIn.mutate({ email: admin.email, password: "wrong" }).catch((e) => e);
      expect(unknown.message).toBe(wrong.message);
      expect(codeOf(wrong)?.appCode).toBe("UNAUTHORIZED");
    });

    it("rejects a short new password and a wrong current one", async () => {
      const a = await h.staff("admin");
      await expect(a.auth.changePassword.mutate({ currentPassword: admin.password, newPassword: "short" })).rejects.toThrow();
      const wrong = await a.auth.changePassword.mutate({ currentPassword: "nope", newPassword: "long-enough-password" }).catch((e) => e);
      expect(codeOf(wrong)?.appCode).toBe("UNAUTHORIZED");
    });

    it("refuses a duplicate staff email", async () => {
      const a = await h.staff("admin");
      const e = await a.staff.create.mutate({ email: demoLogins[1].email, name: "Dup", role: "team_member" }).catch((x) => x);
      expect(codeOf(e)?.appCode).toBe("CONFLICT");
    });
  });

  describe("security", () => {
    it("refuses staff management to team members and to no session", async () => {
      const team = await h.staff("team_member");
      await expect(team.staff.list.query()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
      await expect(h.client().staff.list.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    });

    it("never reaches another practice's staff", async () => {
      const vet = await h.staff("admin", "paws-claws");
      const [brightUser] = await h.t.db.select().from(staffUsers).where(eq(staffUsers.email, demoLogins[1].email));
      const e = await vet.staff.resetPassword.mutate({ staffUserId: brightUser!.id }).catch((x) => x);
      expect(codeOf(e)?.appCode).toBe("NOT_FOUND");
      const list = await vet.staff.list.query();
      expect(list.every((u) => u.email.endsWith("pawsclaws.test"))).toBe(true);
    });

    it("cuts a disabled user off at the next request", async () => {
      const a = await h.staff("admin");
      const { user, temporaryPassword } = await a.staff.create.mutate({
        email: "leaver@brightsmiles.test",
        name: "Leaver",
        role: "team_member",
      });
      const l = h.client();
      await l.auth.signIn.mutate({ email: user.email, password: temporaryPassword });
      await l.auth.me.query();
      await a.staff.setDisabled.mutate({ staffUserId: user.id, disabled: true });
      await expect(l.auth.me.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
      const again = await h
        .client()
        .auth.signIn.mutate({ email: user.email, password: temporaryPassword })
        .catch((e) => e);
      expect(codeOf(again)?.code).toBe("FORBIDDEN");
    });

    it("expires sessions after the idle timeout and the absolute timeout", async () => {
      const a = await h.staff("team_member");
      const [s] = await h.t.db.select().from(sessions).orderBy(sessions.createdAt).limit(1);
      expect(s).toBeDefined();
      const token = a.jar.get("tally_staff")!;
      const { hashToken } = await import("@tally/core");
      await h.t.db
        .update(sessions)
        .set({ lastSeenAt: new Date(Date.now() - 31 * 60_000) })
        .where(eq(sessions.tokenHash, hashToken(token)));
      await expect(a.auth.me.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
      const b = await h.staff("team_member");
      await h.t.db
        .update(sessions)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(sessions.tokenHash, hashToken(b.jar.get("tally_staff")!)));
      await expect(b.auth.me.query()).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    });

    it("locks an account after repeated wrong passwords, even with the right one", async () => {
      const email = demoLogins[2].email; // another practice's admin, so other tests are not affected
      for (let i = 0; i < 10; i++) {
        await h
          .client({ ip: `10.1.0.${i}` })
          .auth.signIn.mutate({ email, password: `guess-${i}` })
          .catch(() => {});
      }
      const e = await h
        .client({ ip: "10.1.1.1" })
        .auth.signIn.mutate({ email, password: demoLogins[2].password })
        .catch((x) => x);
      expect(codeOf(e)?.appCode).toBe("LOCKED");
    });

    it("rate-limits sign-in attempts from one address", async () => {
      const c = h.client({ ip: "10.2.2.2" });
      const results = [];
      for (let i = 0; i < 22; i++)
        results.push(await c.auth.signIn.mutate({ email: `x${i}@y.test`, password: "x" }).catch((e) => codeOf(e)?.code));
      expect(results.slice(20)).toEqual(["TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS"]);
    });

    it("refuses form-encoded and cross-site mutations (CSRF)", async () => {
      const a = await h.staff("admin");
      const cookie = a.cookieHeader();
      const form = await h.request("/trpc/auth.signOutEverywhere", {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: "",
      });
      expect(form.status).toBe(415);
      const multipart = await h.request("/trpc/staff.create", { method: "POST", headers: { cookie }, body: new FormData() });
      expect(multipart.status).toBe(415);
      const crossSite = await h.request("/trpc/auth.signOutEverywhere", {
        method: "POST",
        headers: { cookie, "content-type": "application/json", origin: "https://evil.example" },
        body: "{}",
      });
      expect(crossSite.status).toBe(403);
      const sameSite = await h.request("/trpc/auth.me", { headers: { cookie, origin: "http://tally.test" } });
      expect(sameSite.status).toBe(200);
      await a.auth.me.query(); // the session survived the attempts
    });
  });
});
