// The security suite one router family's test file runs (security/<family>.test.ts), over the real
// HTTP API, for every procedure of the family as the router declares it (procedures.ts):
// - no session: 401 unless the procedure is public (and listed as such);
// - CSRF: a mutation sent from another site's page is refused;
// - bad input: 4xx with a message, never a 500 or SQL;
// - wrong role: each principal the procedure's kind and action leave out (a team member for admin
//   actions; a patient, a kiosk and an API key for staff ones; staff, kiosk and API key for the
//   patient's; staff, patient and API key for the kiosk's) is refused with 401/403, and none of
//   the practice's rows change;
// - other practice: another practice's admin naming this practice's rows gets none of them back
//   and changes none of them.
import { members } from "@tally/db";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type TestClient } from "./harness.ts";
import {
  audienceOf,
  callProcedure,
  changedTables,
  ENDS_SESSION,
  type Family,
  fingerprint,
  idsOf,
  inputsFor,
  PUBLIC,
  proceduresOf,
  rowsOf,
} from "./procedures.ts";

/** The callers of the wrong-role test, all of the practice under test. */
type Caller = "admin" | "team_member" | "member" | "kiosk" | "integration";
const callers: Caller[] = ["admin", "team_member", "member", "kiosk", "integration"];

/** Enough kinds of row behind the bare `id` field to give each refused call a valid-shaped input. */
const ROLE_TABLES = ["members", "rewards", "staff_users", "kiosk_devices"];

export function securitySuite(family: Family) {
  const all = proceduresOf(family);
  let h: Harness;
  let admin: TestClient;
  let practice: string;
  const headers = {} as Record<Caller, Record<string, string>>;

  beforeAll(async () => {
    // The whole demo program (rewards, rules, coupons, orders, requests, campaigns, activities).
    h = await createHarness({
      content: "full",
      members: 80,
      config: {
        rateLimits: {
          signIn: { max: 1e9, windowMs: 60_000 },
          identify: { max: 1e9, windowMs: 60_000 },
          pair: { max: 1e9, windowMs: 60_000 },
        },
      },
    });
    practice = h.practiceIds["bright-smiles"]!;
    // One of each principal of the practice, made through the product's own verbs.
    admin = await h.staff("admin");
    const team = await h.staff("team_member");
    const [m] = await h.t.db
      .select()
      .from(members)
      .where(
        and(eq(members.practiceId, practice), eq(members.status, "member"), isNotNull(members.cardNumber), isNotNull(members.birthday)),
      )
      .limit(1);
    const patient = h.client();
    await patient.auth.member.signIn.mutate({ practice: "bright-smiles", cardNumber: m!.cardNumber!, birthday: m!.birthday! });
    const { code } = await admin.kiosks.createPairing.mutate({ name: "Security test" });
    const { token } = await h.client().checkin.pair.mutate({ code });
    const { key } = await admin.apiKeys.create.mutate({ name: "Security test" });
    headers.admin = { cookie: admin.cookieHeader() };
    headers.team_member = { cookie: team.cookieHeader() };
    headers.member = { cookie: patient.cookieHeader() };
    headers.kiosk = { authorization: `Bearer ${token}` };
    headers.integration = { authorization: `Bearer ${key}` };
  }, 120_000);
  afterAll(() => h?.dispose());

  describe(`security: ${family}`, () => {
    it("declares who may call each procedure (its kind, and for staff the action it does)", () => {
      expect(all.length).toBeGreaterThan(0);
      const undeclared = all.filter((p) => audienceOf(p) === undefined).map((p) => `${p.path} (kind ${p.kind}, action ${p.action})`);
      expect(undeclared).toEqual([]);
      const unlisted = all.filter((p) => audienceOf(p) === "public" && !PUBLIC.has(p.path)).map((p) => p.path);
      expect(unlisted).toEqual([]);
    });

    it("answers 401 without a session, unless it is public", async () => {
      const open: string[] = [];
      for (const p of all) {
        const res = await callProcedure(h, p, {});
        expect(res.status, p.path).toBeLessThan(500);
        if (res.status !== 401 && !PUBLIC.has(p.path)) open.push(`${p.path} ${res.status}`);
      }
      expect(open).toEqual([]);
    });

    it("refuses every mutation sent from another site's page (CSRF)", async () => {
      const accepted: string[] = [];
      for (const p of all.filter((p) => p.type === "mutation")) {
        const res = await callProcedure(h, p, {}, { ...headers.admin, origin: "https://evil.example" });
        if (res.status !== 403) accepted.push(`${p.path} ${res.status}`);
      }
      expect(accepted).toEqual([]);
    });

    it("answers input it cannot use with a 4xx and a message, never a 500 or SQL", async () => {
      const bad = [{ id: "\u0000", memberId: "not-a-uuid", points: 1e15, date: "1990-02-31", email: "x".repeat(5000) }, "text", 42, [null]];
      const failures: string[] = [];
      for (const p of all.filter((p) => !ENDS_SESSION.has(p.path))) {
        for (const input of bad) {
          const res = await callProcedure(h, p, input, headers.admin);
          const text = await res.text();
          if (res.status >= 500 || /select |insert |update |delete from/i.test(text))
            failures.push(`${p.path} ${JSON.stringify(input).slice(0, 40)} -> ${res.status} ${text.slice(0, 120)}`);
        }
      }
      expect(failures).toEqual([]);
    });

    it("refuses every caller the procedure's kind and action leave out, and changes nothing", async () => {
      const inputs = inputsFor(await idsOf(h, practice), ROLE_TABLES);
      // The callers' own sessions note when they were last active (the idle timeout): that is theirs, not the refused call's.
      const before = await fingerprint(h, practice, ["last_seen_at"]);
      const allowed: string[] = [];
      let refused = 0;
      for (const p of all) {
        const audience = audienceOf(p);
        if (audience === "public" || audience === undefined) continue;
        for (const who of callers.filter((c) => !audience.includes(c))) {
          for (const input of inputs) {
            const res = await callProcedure(h, p, input, headers[who]);
            if (res.status === 401 || res.status === 403) refused++;
            else allowed.push(`${p.path} as ${who} -> ${res.status} ${(await res.text()).slice(0, 120)}`);
          }
        }
      }
      expect(allowed).toEqual([]);
      expect(changedTables(before, await fingerprint(h, practice, ["last_seen_at"]))).toEqual([]);
      // The callers' credentials held: each still reaches what it may (so the refusals were the roles').
      for (const [who, p] of [
        ["team_member", "members.tags"],
        ["member", "members.home"],
        ["kiosk", "checkin.device"],
      ] as const)
        expect((await callProcedure(h, { path: p, type: "query" }, undefined, headers[who])).status, who).toBe(200);
      expect((await h.request("/api/v1/rewards", { headers: headers.integration })).status).toBe(200);
      expect(refused).toBeGreaterThan(0);
    }, 300_000);

    it("never answers another practice's admin with this practice's rows, nor changes them", async () => {
      const vetAdmin = await h.staff("admin", "paws-claws");
      const theirs = await idsOf(h, practice);
      const before = await fingerprint(h, practice);
      const secrets = [...new Set([...theirs.values()].flat())];
      const emails = (
        await rowsOf<{ email: string }>(h, sql`select email from members where practice_id = ${practice}::uuid and email is not null`)
      ).map((r) => r.email);
      const leaks: string[] = [];
      let notFound = 0;
      const inputs = inputsFor(theirs);
      for (const p of all.filter((p) => !ENDS_SESSION.has(p.path))) {
        for (const input of inputs) {
          const res = await callProcedure(h, p, input, { cookie: vetAdmin.cookieHeader() });
          const text = await res.text();
          expect(res.status, `${p.path} ${text.slice(0, 200)}`).toBeLessThan(500);
          if (res.status === 404) notFound++;
          const leaked = [...secrets, ...emails].find((s) => text.includes(s));
          if (leaked) leaks.push(`${p.path} (id ${String(input.id)}) -> ${res.status} names ${leaked}`);
        }
      }
      // The calls reached the verbs (the session held; this practice's ids were refused as unknown).
      expect((await vetAdmin.auth.me.query()).name).toBeTruthy();
      expect(notFound).toBeGreaterThan(0);
      expect(leaks).toEqual([]);
      expect(changedTables(before, await fingerprint(h, practice))).toEqual([]);
    }, 300_000);
  });
}
