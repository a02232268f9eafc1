// The router's procedures as data for the generated security tests (trpc/security/*.test.ts):
// each with its family, kind (who may call it at all) and the action it does
// (staff procedures, core permissions.ts), read from the router itself so a new procedure cannot
// be forgotten; plus the inputs that aim at a practice's rows and a fingerprint of those rows.
import { type Action, type Principal, permissions } from "@tally/core";
import { sql } from "drizzle-orm";
import type { Meta } from "../trpc/init.ts";
import { appRouter } from "../trpc/root.ts";
import type { Harness } from "./harness.ts";

export type Kind = NonNullable<Meta["kind"]>;

export interface Procedure {
  path: string;
  /** The top-level router it belongs to (`members` for `members.get`). */
  router: string;
  type: "query" | "mutation";
  kind: Kind | undefined;
  action: Meta["action"];
}

/** Every query and mutation of the router (subscriptions are the live prompts, over SSE). */
export const procedures: Procedure[] = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string; meta?: Meta } }>,
)
  .filter(([, p]) => p._def.type !== "subscription")
  .map(([path, p]) => ({
    path,
    router: path.split(".")[0]!,
    type: p._def.type as Procedure["type"],
    kind: p._def.meta?.kind,
    action: p._def.meta?.action,
  }))
  .sort((a, b) => a.path.localeCompare(b.path));

/** Router families, one security test file each (security/<family>.test.ts); every top-level
 *  router belongs to exactly one. */
export const families = {
  members: ["members", "leads", "patientImports", "messages"],
  rewards: ["catalog", "coupons", "redemption", "ledger"],
  program: ["rules", "translations", "events", "imports", "approvals", "reports", "audit"],
  engagement: ["engagement"],
  desk: ["checkin", "kiosks", "live"],
  settings: ["practice", "auth", "security", "staff", "apiKeys", "webhooks", "mailbox"],
} as const satisfies Record<string, readonly string[]>;

export type Family = keyof typeof families;

export const proceduresOf = (family: Family) => procedures.filter((p) => (families[family] as readonly string[]).includes(p.router));

/** Procedures anyone may call: signing in, registering, public practice pages, pairing a kiosk,
 *  the first-run setup. A public procedure not listed here fails the tests (reviewed by hand). */
export const PUBLIC = new Set<string>([
  "auth.signIn",
  "auth.signOut",
  "security.completeSignIn",
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

/** Who may call a procedure, from its kind and (staff) the action it declares; undefined when it
 *  cannot be told (no kind, or a staff procedure without an action): the tests fail on those. */
export function audienceOf(p: Procedure): readonly Principal[] | "public" | undefined {
  switch (p.kind) {
    case "public":
      return "public";
    case "member":
      return ["member"];
    case "kiosk":
      return ["kiosk"];
    case "staff":
      if (p.action === "signed-in") return ["admin", "team_member"];
      if (p.action && p.action in permissions)
        return (permissions[p.action as Action] as readonly Principal[]).filter((who) => who === "admin" || who === "team_member");
      return undefined;
    default:
      return undefined;
  }
}

/** Calls that end the caller's own session (they would sign the test out half-way). */
export const ENDS_SESSION = new Set(["auth.signOut", "auth.signOutEverywhere", "auth.member.signOut", "auth.member.signOutEverywhere"]);

/** One call through the real HTTP API, as a browser or device would send it. */
export const callProcedure = (h: Harness, p: Pick<Procedure, "path" | "type">, input: unknown, headers: Record<string, string> = {}) =>
  p.type === "query"
    ? h.request(`/trpc/${p.path}?input=${encodeURIComponent(JSON.stringify(input))}`, { headers })
    : h.request(`/trpc/${p.path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(input),
      });

export async function rowsOf<T>(h: Harness, q: ReturnType<typeof sql>): Promise<T[]> {
  const r = (await h.t.db.execute(q)) as unknown as { rows?: T[] } | T[];
  return (Array.isArray(r) ? r : (r.rows ?? [])) as T[];
}

/** Every table that belongs to a practice, with a fingerprint of the practice's rows in it (the
 *  columns named in `ignore` left out of every row). */
export async function fingerprint(h: Harness, practiceId: string, ignore: string[] = []): Promise<Record<string, string>> {
  const rowText = ignore.length
    ? sql`(to_jsonb(t) - array[${sql.join(
        ignore.map((c) => sql`${c}`),
        sql`, `,
      )}]::text[])::text`
    : sql`t::text`;
  const tables = await rowsOf<{ table_name: string }>(
    h,
    sql`select distinct table_name from information_schema.columns
        where column_name = 'practice_id' and table_schema = 'public' order by 1`,
  );
  const out: Record<string, string> = {};
  for (const { table_name } of tables) {
    const [row] = await rowsOf<{ n: number; sum: string | null }>(
      h,
      sql`select count(*)::int as n, md5(string_agg(${rowText}, ',' order by ${rowText})) as sum
          from ${sql.identifier(table_name)} t where practice_id = ${practiceId}::uuid`,
    );
    out[table_name] = `${row?.n}:${row?.sum}`;
  }
  return out;
}

/** The tables that changed between two fingerprints. */
export const changedTables = (before: Record<string, string>, after: Record<string, string>) =>
  Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);

/** A practice's rows: table -> up to three ids, for every practice table with an id. */
export async function idsOf(h: Harness, practiceId: string): Promise<Map<string, string[]>> {
  const tables = await rowsOf<{ table_name: string }>(
    h,
    sql`select distinct c.table_name from information_schema.columns c
        join information_schema.columns i on i.table_name = c.table_name and i.column_name = 'id' and i.table_schema = 'public'
        where c.column_name = 'practice_id' and c.table_schema = 'public' order by 1`,
  );
  const ids = new Map<string, string[]>();
  for (const { table_name } of tables) {
    const found = await rowsOf<{ id: string }>(
      h,
      sql`select id::text as id from ${sql.identifier(table_name)} where practice_id = ${practiceId}::uuid order by id limit 3`,
    );
    if (found.length > 0)
      ids.set(
        table_name,
        found.map((r) => r.id),
      );
  }
  return ids;
}

/** Inputs naming a practice's rows in every id field procedures read, one per kind of row behind
 *  the bare `id` field (only those of `tables` when given); the other fields hold ordinary values,
 *  so most inputs get past validation and reach the verb's own checks. */
export function inputsFor(ids: Map<string, string[]>, tables?: readonly string[]): Record<string, unknown>[] {
  const first = (table: string) => ids.get(table)?.[0];
  const named = {
    memberId: first("members"),
    keepId: first("members"),
    otherId: ids.get("members")?.[1],
    mergeWith: ids.get("members")?.[1],
    referrer: ids.get("members")?.[1],
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
    staffUserId: first("staff_users"),
    userId: first("staff_users"),
    versionId: first("rule_set_versions"),
    runId: first("import_runs"),
    keyId: first("api_keys"),
    endpointId: first("webhook_endpoints"),
  };
  const plain = {
    points: 10,
    note: "Security test",
    name: "Security test",
    email: "security@example.com",
    q: "a",
    limit: 5,
    answers: [],
    confirm: true,
  };
  return [...ids.keys()].filter((table) => !tables || tables.includes(table)).map((table) => ({ ...plain, ...named, id: first(table) }));
}
