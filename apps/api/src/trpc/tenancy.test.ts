// Other practices' ids, through every procedure of the router (generated from it, so a new
// procedure cannot be forgotten): an admin of one practice calls each procedure with the ids of
// another practice's members, rewards, coupons, orders, requests, campaigns, kiosks, activities,
// staff and rule versions in every id field a procedure may read. Nothing of the other practice
// may come back in any answer, and none of its rows may change. Roles are checked per action in
// core (tenancy.test.ts and permissions), no-session, bad input and CSRF in security.test.ts.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type TestClient } from "../testing/harness.ts";
import { appRouter } from "./root.ts";

/** Calls that end the caller's own session (they would sign the test out half-way). */
const SKIP = new Set(["auth.signOut", "auth.signOutEverywhere", "auth.member.signOut", "auth.member.signOutEverywhere"]);

const all = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)
  .filter(([path, p]) => p._def.type !== "subscription" && !SKIP.has(path))
  .map(([path, p]) => ({ path, type: p._def.type as "query" | "mutation" }))
  .sort((a, b) => a.path.localeCompare(b.path));

let h: Harness;
let admin: TestClient;
let other: string;
/** The other practice's rows: table -> ids. */
const theirs = new Map<string, string[]>();

const rows = async <T>(q: ReturnType<typeof sql>) => {
  const r = (await h.t.db.execute(q)) as unknown as { rows?: T[] } | T[];
  return (Array.isArray(r) ? r : (r.rows ?? [])) as T[];
};

/** Every table that belongs to a practice, with a fingerprint of the other practice's rows in it. */
async function fingerprint(): Promise<Record<string, string>> {
  const tables = await rows<{ table_name: string }>(
    sql`select distinct table_name from information_schema.columns
        where column_name = 'practice_id' and table_schema = 'public' order by 1`,
  );
  const out: Record<string, string> = {};
  for (const { table_name } of tables) {
    const [row] = await rows<{ n: number; sum: string | null }>(
      sql`select count(*)::int as n, md5(string_agg(t::text, ',' order by t::text)) as sum
          from ${sql.identifier(table_name)} t where practice_id = ${other}::uuid`,
    );
    out[table_name] = `${row?.n}:${row?.sum}`;
  }
  return out;
}

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
  // The vet practice's admin aims at the demo practice's rows (the one with every kind of row).
  admin = await h.staff("admin", "paws-claws");
  other = h.practiceIds["bright-smiles"]!;
  const tables = await rows<{ table_name: string }>(
    sql`select distinct c.table_name from information_schema.columns c
        join information_schema.columns i on i.table_name = c.table_name and i.column_name = 'id' and i.table_schema = 'public'
        where c.column_name = 'practice_id' and c.table_schema = 'public'`,
  );
  for (const { table_name } of tables) {
    const ids = await rows<{ id: string }>(
      sql`select id::text as id from ${sql.identifier(table_name)} where practice_id = ${other}::uuid order by id limit 3`,
    );
    if (ids.length > 0)
      theirs.set(
        table_name,
        ids.map((r) => r.id),
      );
  }
}, 120_000);
afterAll(() => h?.dispose());

const call = (path: string, type: "query" | "mutation", input: unknown) =>
  type === "query"
    ? h.request(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers: { cookie: admin.cookieHeader() } })
    : h.request(`/trpc/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: admin.cookieHeader() },
        body: JSON.stringify(input),
      });

/** Inputs naming the other practice's rows in every id field procedures read, one per kind of row
 *  behind the bare `id` field; the other fields hold ordinary values, so most inputs get past
 *  validation and reach the verb's own checks. */
function inputsFor(): Record<string, unknown>[] {
  const first = (table: string) => theirs.get(table)?.[0];
  const named = {
    memberId: first("members"),
    keepId: first("members"),
    otherId: theirs.get("members")?.[1],
    mergeWith: theirs.get("members")?.[1],
    referrer: theirs.get("members")?.[1],
    couponId: first("issued_coupons"),
    rewardId: first("rewards"),
    orderId: first("orders"),
    requestId: first("action_requests"),
    campaignId: first("referral_campaigns"),
    deviceId: first("kiosk_devices"),
    kioskId: first("kiosk_devices"),
    activityId: first("marketplace_activities"),
    questionId: first("survey_questions"),
    staffId: first("staff_users"),
    userId: first("staff_users"),
    versionId: first("rule_set_versions"),
    runId: first("import_runs"),
    keyId: first("api_keys"),
  };
  const plain = {
    points: 10,
    note: "tenancy",
    name: "Tenancy",
    email: "tenancy@example.com",
    q: "a",
    limit: 5,
    answers: [],
    confirm: true,
  };
  return [...theirs.keys()].map((table) => ({ ...plain, ...named, id: first(table) }));
}

describe("another practice's ids, through every procedure", () => {
  it("found the other practice's rows to aim at", () => {
    for (const table of ["members", "rewards", "staff_users", "rule_set_versions"])
      expect(theirs.get(table)?.length, table).toBeGreaterThan(0);
  });

  it("never answers with their rows and never changes them", async () => {
    const before = await fingerprint();
    const secrets = [...new Set([...theirs.values()].flat())];
    const emails = (
      await rows<{ email: string }>(sql`select email from members where practice_id = ${other}::uuid and email is not null`)
    ).map((r) => r.email);
    const leaks: string[] = [];
    const statuses: Record<number, number> = {};
    const inputs = inputsFor();
    for (const { path, type } of all) {
      for (const input of inputs) {
        const res = await call(path, type, input);
        const text = await res.text();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        expect(res.status, `${path} ${text.slice(0, 200)}`).toBeLessThan(500);
        const leaked = [...secrets, ...emails].find((s) => text.includes(s));
        if (leaked) leaks.push(`${path} (id ${String(input.id)}) -> ${res.status} names ${leaked}`);
      }
    }
    // The calls reached the verbs (the session held; the other practice's ids were refused as unknown).
    expect((await call("members.tags", "query", undefined)).status).toBe(200);
    expect(statuses[404] ?? 0).toBeGreaterThan(300);
    expect(leaks).toEqual([]);
    const after = await fingerprint();
    const changed = Object.keys(before).filter((t) => before[t] !== after[t]);
    expect(changed).toEqual([]);
  }, 600_000);
});
