// What the kiosk's result screen may show about the patient it just checked in: first name and
// last initial, balance, progress toward each milestone, the instant rewards ready to use with
// their expiry, and the tier with the next points to expire (SPEC 7). Nothing else (no full name, no contact details, no history).

import { issuedCoupons, memberBalances, memberEngineStates, members, surveyQuestions, type Tx } from "@tally/db";
import { balanceForPatient, type MilestoneProgress, milestonesOf } from "@tally/rules";
import { and, asc, eq, gt, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import { couponNames } from "../catalog/coupon-names.ts";
import type { Ctx } from "../context.ts";
import type { MemberState, Program } from "../events/engine.ts";
import { withTierWindow } from "../events/member-states.ts";
import { loadSetup, type PipelineSetup } from "../events/program.ts";
import { type MemberStanding, standingOf } from "../members/member-overview.ts";
import { jsonRows, query } from "../sql.ts";
import { notFound } from "../verb.ts";

// Milestone progress has one definition and shape, in @tally/rules (re-exported for batch check-in).
export { type MilestoneProgress, milestonesOf } from "@tally/rules";

export interface InstantReward {
  coupon: string;
  /** The catalog's name for the coupon, when it has one. */
  title: string | null;
  rule: string | null;
  expiresAt: Date | null;
}

export interface KioskWelcome {
  firstName: string;
  lastInitial: string;
  /** Null while the program is in test mode: patients do not see balances then (patientVisibility). */
  balance: number | null;
  milestones: MilestoneProgress[];
  instantRewards: InstantReward[];
  /** The practice has an active compliance survey the patient may take at the kiosk. */
  surveyAvailable: boolean;
  /** The patient checked in earlier the same day (practice time): a visit that earns nothing
   *  then says "already checked in today" (it is still recorded). */
  checkedInEarlierToday: boolean;
  /** The tier and what the next one needs, the next points to expire, points not yet available
   *  (SPEC 7); null while patients see no balance. */
  standing: MemberStanding | null;
}

/** Whether the member has a visit earlier than `at` on the same local day of the practice. */
const earlierToday = (memberId: SQL, at: SQL, timezone: string) =>
  sql`exists (select 1 from check_ins c where c.member_id = ${memberId} and c.at < ${at}
        and (c.at at time zone ${timezone})::date = (${at} at time zone ${timezone})::date)`;

/** The names of the program's instant rules (their coupons are the ones a kiosk shows). */
export function instantRuleNames(program: Program): Set<string> {
  const names = new Set<string>();
  for (const rule of program.rules) if (rule.kind === "instant") names.add(rule.name);
  return names;
}

export async function kioskWelcome(
  db: Tx | Ctx["db"],
  ctx: Ctx,
  memberId: string,
  now = new Date(),
  setup?: PipelineSetup,
): Promise<KioskWelcome> {
  const [m] = await db
    .select({ firstName: members.firstName, lastName: members.lastName, balance: memberBalances.balance, state: memberEngineStates.state })
    .from(members)
    .leftJoin(memberBalances, and(eq(memberBalances.practiceId, members.practiceId), eq(memberBalances.memberId, members.id)))
    .leftJoin(memberEngineStates, and(eq(memberEngineStates.practiceId, members.practiceId), eq(memberEngineStates.memberId, members.id)))
    .where(and(eq(members.id, memberId), eq(members.practiceId, ctx.practiceId)));
  if (!m) throw notFound("Member");

  const loaded = setup ?? (await loadSetup(db, ctx.practiceId));
  const program = loaded.program;
  if (m.state) await withTierWindow(db, ctx.practiceId, program, { [memberId]: m.state as MemberState }, now.getTime());
  const milestones = milestonesOf(program, m.state as MemberState | null);
  const instantNames = instantRuleNames(program);
  const coupons =
    instantNames.size === 0
      ? []
      : await db
          .select({ coupon: issuedCoupons.coupon, rule: issuedCoupons.ruleName, expiresAt: issuedCoupons.expiresAt })
          .from(issuedCoupons)
          .where(
            and(
              eq(issuedCoupons.memberId, memberId),
              eq(issuedCoupons.practiceId, ctx.practiceId),
              eq(issuedCoupons.status, "active"),
              inArray(issuedCoupons.ruleName, [...instantNames]),
              or(isNull(issuedCoupons.expiresAt), gt(issuedCoupons.expiresAt, now)),
            ),
          )
          .orderBy(asc(issuedCoupons.expiresAt));
  // The coupons' names as patients read them (core catalog/coupon-names.ts).
  const titles = await couponNames(
    db,
    ctx.practiceId,
    coupons.map((c) => c.coupon),
  );

  const [question] = await db
    .select({ id: surveyQuestions.id })
    .from(surveyQuestions)
    .where(and(eq(surveyQuestions.practiceId, ctx.practiceId), eq(surveyQuestions.active, true)))
    .limit(1);
  const [earlier] = await query<{ earlier: unknown }>(
    db,
    sql`select ${earlierToday(sql`${memberId}::uuid`, sql`${now.toISOString()}::timestamptz`, loaded.practice.timezone)} as earlier`,
  );

  return {
    firstName: m.firstName,
    lastInitial: m.lastName.slice(0, 1).toUpperCase(),
    balance: balanceForPatient(loaded.practice.status, m.balance ?? 0),
    milestones,
    instantRewards: coupons.map((c) => ({ coupon: c.coupon, title: titles.get(c.coupon) ?? null, rule: c.rule, expiresAt: c.expiresAt })),
    surveyAvailable: question !== undefined,
    checkedInEarlierToday: truthy(earlier?.earlier),
    standing: patientStanding(loaded, m.state as MemberState | null, Number(m.balance ?? 0), now),
  };
}

/** The standing a patient-facing screen shows: none while the program hides balances (test mode). */
export function patientStanding(setup: PipelineSetup, state: MemberState | null, balance: number, now: Date): MemberStanding | null {
  if (balanceForPatient(setup.practice.status, balance) === null) return null;
  return standingOf(setup.program, state, balance, now.getTime());
}

const truthy = (value: unknown) => value === true || value === "t" || value === "true";

/** What the welcome shows beyond the pipeline's result, for many check-ins at once. */
export interface WelcomeExtras {
  /** As stored now (for visits that recorded no event: a lead). */
  balance: number | null;
  state: MemberState | null;
  instantRewards: InstantReward[];
  surveyAvailable: boolean;
  checkedInEarlierToday: boolean;
}

const parsed = <T>(value: unknown): T => (typeof value === "string" ? (JSON.parse(value) as T) : (value as T));

/** Per visit (member and time): the stored balance and state, the active instant-reward coupons
 * at that time (with their catalog titles), and whether a survey is offered. One query. */
export async function welcomeExtras(
  db: Tx | Ctx["db"],
  ctx: Ctx,
  program: Program,
  visits: { memberId: string; at: Date }[],
  timezone: string,
): Promise<WelcomeExtras[]> {
  if (visits.length === 0) return [];
  const rows = visits.map((v, i) => ({ i, member_id: v.memberId, at: v.at.toISOString() }));
  const names = JSON.stringify([...instantRuleNames(program)]);
  const P = ctx.practiceId;
  const found = await query<{ i: number; balance: number | null; state: unknown; coupons: unknown; survey: unknown; earlier: unknown }>(
    db,
    sql`with x as (select * from jsonb_to_recordset(${jsonRows(rows)}) as x(i int, member_id uuid, at timestamptz))
        select x.i, b.balance, s.state, ${earlierToday(sql`x.member_id`, sql`x.at`, timezone)} as earlier,
               exists (select 1 from survey_questions q where q.practice_id = ${P}::uuid and q.active) as survey,
               (select json_agg(json_build_array(c.coupon, c.rule_name, c.expires_at,
                         (select r.name from rewards r where r.practice_id = c.practice_id and r.deleted_at is null and r.coupon_code = c.coupon limit 1))
                       order by c.expires_at)
                  from issued_coupons c
                 where c.member_id = x.member_id and c.practice_id = ${P}::uuid and c.status = 'active'
                   and c.rule_name in (select jsonb_array_elements_text(${names}::jsonb)) and (c.expires_at is null or c.expires_at > x.at)) as coupons
        from x
        left join member_balances b on b.practice_id = ${P}::uuid and b.member_id = x.member_id
        left join member_engine_states s on s.practice_id = ${P}::uuid and s.member_id = x.member_id`,
  );
  const states = new Map<string, MemberState>();
  for (const r of found) {
    const state = parsed<MemberState | null>(r.state);
    if (state) states.set(visits[Number(r.i)]!.memberId, state);
  }
  // The earliest visit's window covers every later one's start.
  await withTierWindow(db, P, program, states, Math.min(...visits.map((v) => v.at.getTime())));
  const out: WelcomeExtras[] = [];
  for (const r of found) {
    const coupons = parsed<[string, string | null, string | null, string | null][] | null>(r.coupons) ?? [];
    out[Number(r.i)] = {
      balance: r.balance === null ? null : Number(r.balance),
      state: states.get(visits[Number(r.i)]!.memberId) ?? null,
      instantRewards: coupons.map(([coupon, rule, expiresAt, title]) => ({
        coupon,
        title,
        rule,
        expiresAt: expiresAt === null ? null : new Date(expiresAt),
      })),
      surveyAvailable: truthy(r.survey),
      checkedInEarlierToday: truthy(r.earlier),
    };
  }
  return out;
}
