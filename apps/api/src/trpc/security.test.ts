// Every procedure of the router, generated from it (a new procedure cannot be forgotten): without
// a session it answers 401 unless it is listed as public here; with a session, input it cannot
// use answers 4xx with a message, never a 500 or SQL; and a mutation from another site's page is
// refused (CSRF). Wrong roles and other practices' ids are tested per family (tenancy.test.ts in
// core for every action, the routers' own tests for roles).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type TestClient } from "../testing/harness.ts";
import { appRouter } from "./root.ts";

/** Procedures anyone may call: signing in, registering, public practice pages, pairing a kiosk. */
const PUBLIC = new Set<string>([
  "auth.signIn",
  "auth.signOut",
  "auth.member.signIn",
  "auth.member.signOut",
  "auth.member.register",
  "auth.member.acceptInvitation",
  "auth.member.requestPasswordReset",
  "auth.member.resetPassword",
  "checkin.pair",
  "practice.public",
  "engagement.publicReviews",
  "practice.default",
  "practice.setupStatus",
  "practice.completeSetup",
]);

const all = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)
  .filter(([, p]) => p._def.type !== "subscription")
  .map(([path, p]) => ({ path, type: p._def.type as "query" | "mutation" }))
  .sort((a, b) => a.path.localeCompare(b.path));

let h: Harness;
let admin: TestClient;
beforeAll(async () => {
  h = await createHarness({
    config: {
      rateLimits: {
        signIn: { max: 1e9, windowMs: 60_000 },
        identify: { max: 1e9, windowMs: 60_000 },
        pair: { max: 1e9, windowMs: 60_000 },
      },
    },
  });
  admin = await h.staff("admin");
});
afterAll(() => h?.dispose());

const call = (path: string, type: "query" | "mutation", input: unknown, headers: Record<string, string> = {}) =>
  type === "query"
    ? h.request(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers })
    : h.request(`/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(input),
      });

describe("every procedure", () => {
  it("has been found in the router", () => {
    expect(all.length).toBeGreaterThan(50);
  });

  it("answers 401 without a session, unless it is public", async () => {
    const open: string[] = [];
    for (const { path, type } of all) {
      const res = await call(path, type, {});
      expect(res.status, path).toBeLessThan(500);
      if (res.status !== 401 && !PUBLIC.has(path)) open.push(`${path} ${res.status}`);
    }
    expect(open).toEqual([]);
  });

  it("answers input it cannot use with a 4xx and a message, never a 500 or SQL", async () => {
    const bad = [{ id: "\u0000", memberId: "not-a-uuid", points: 1e15, date: "1990-02-31", email: "x".repeat(5000) }, "text", 42, [null]];
    const failures: string[] = [];
    for (const { path, type } of all) {
      if (path === "auth.signOut") continue;
      for (const input of bad) {
        const res = await call(path, type, input, { cookie: admin.cookieHeader() });
        const text = await res.text();
        if (res.status >= 500 || /select |insert |update |delete from/i.test(text))
          failures.push(`${path} ${JSON.stringify(input).slice(0, 40)} -> ${res.status} ${text.slice(0, 120)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("refuses every mutation sent from another site's page (CSRF)", async () => {
    const accepted: string[] = [];
    for (const { path, type } of all.filter((p) => p.type === "mutation")) {
      const res = await call(path, type, {}, { cookie: admin.cookieHeader(), origin: "https://evil.example" });
      if (res.status !== 403) accepted.push(`${path} ${res.status}`);
    }
    expect(accepted).toEqual([]);
  });
});
