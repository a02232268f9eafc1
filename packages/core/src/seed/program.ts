// The demo practice's program and a year of its life, recorded THROUGH the event pipeline so the
// ledger, balances, phases, coupons and approvals are real. Deterministic for a given `now`.

import { checkIns, consents, type Db, members, participations, practices, qrScans, reviews, surveyResponses } from "@tally/db";
import { eq } from "drizzle-orm";
import { completeAction, decideApproval } from "../approvals/approvals.ts";
import { upsertEligibleItems } from "../catalog/eligible-items.ts";
import { createReward } from "../catalog/rewards.ts";
import { type Ctx, systemCtx } from "../context.ts";
import { saveActivity } from "../engagement/marketplace.ts";
import { createQrCode } from "../engagement/qr-codes.ts";
import { convertReferral, createReferralCampaign, inviteReferral } from "../engagement/referrals.ts";
import { saveSurveyQuestion } from "../engagement/surveys.ts";
import { loadSetup } from "../events/program.ts";
import { recordEvents } from "../events/record-events.ts";
import type { EventInput } from "../events/schemas.ts";
import { birthdayIn } from "../members/birthdays.ts";
import { cancelOrder, fulfilOrder } from "../redemption/orders.ts";
import { redeemReward } from "../redemption/redeem-reward.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";

/** The demo rule set: every construct of the language, as a practice would write it. */
export function demoRules(now: Date): string {
  // The holiday promotion runs the most recent December inside the seeded year.
  const year = now.getUTCMonth() === 11 ? now.getUTCFullYear() : now.getUTCFullYear() - 1;
  return `# Bright Smiles Orthodontics — rewards program

earn "Spend points" on invoice.paid {
  rate 1 point per $10
  mode per_transaction
  minimum $20
  items eligible
}

earn "Whitening double" on invoice.paid {
  rate 1 point per $10
  items ["WHITEN"]
}

reward "First visit" on invoice.paid when member.paid_invoices = 1 {
  award 100 points
  accumulate better_choice
}

reward "Media consent" on consent.given when consent.kind = "media" and consent.full {
  award 100 points
  limit once per member
}

reward "Followed us on Instagram" manual {
  award 50 points
  prompt "Follow @brightsmiles on Instagram and tell us your handle"
  confirmation "Thanks! Your points are on the way as soon as we check."
  limit once per member
}

reward "Friend referred" on referral.converted {
  award 250 points to referrer
  award 100 points to member
}

reward "Happy birthday" on member.birthday {
  award 50 points
  limit once per year
}

reward "Welcome" on member.registered {
  award 25 points
}

reward "First login" on member.first_login {
  award 10 points
}

reward "Check-in" on visit.checked_in {
  award 10 points
  limit once per day
}

reward "Holiday check-in" on visit.checked_in {
  award 20 points
  limit once per day
  during ${year}-12-01 to ${year}-12-31
}

reward "Great review" on review.posted when review.rating >= 4 {
  award 40 points
  limit once per member
}

reward "Selfie wall" on qr.scanned when qr.code = "SMILE-WALL" {
  award 15 points
  limit once per member
}

reward "Contest entry" on marketplace.participated when activity.kind = "contest" {
  award 20 points
}

reward "Braces adjustment" on invoice.paid when member has tag "braces" and "ADJ" in invoice.codes {
  award 5 points
}

instant "Big visit" {
  window 4 hours
  when visit.spend >= $350 or visit.points >= 250
  unlock coupon "free-whitening", coupon "ten-off" for 48 hours
}

milestone "Keep it up" unlimited {
  every 5 perfect surveys award 200 points
}

milestone "Braces journey" limited {
  phase "Bracket Buddy" after 3 perfect surveys award 100 points
  phase "Aligner Ace" after 4 perfect surveys award 150 points and coupon "movie-ticket"
  phase "Retainer Royalty" after 5 perfect surveys award 250 points
}
`;
}

const billingCodes = [
  { code: "EXAM", name: "Orthodontic exam", enabled: true },
  { code: "CLEAN", name: "Cleaning", enabled: true },
  { code: "XRAY", name: "Panoramic X-ray", enabled: true },
  { code: "ADJ", name: "Braces adjustment", enabled: true },
  { code: "ALIGN", name: "Aligner trays", enabled: true },
  { code: "RETAIN", name: "Retainer", enabled: true },
  { code: "WHITEN", name: "Whitening", enabled: true },
  { code: "REPAIR", name: "Bracket repair", enabled: true },
  { code: "FLUOR", name: "Fluoride varnish", enabled: true },
  { code: "LATE", name: "Late payment fee", enabled: false },
  { code: "COLLECT", name: "Collections write-off", enabled: false, sensitive: true },
];

type Rand = () => number;

const DAY = 86_400_000;

export async function seedProgram(db: Db, practiceId: string, rand: Rand, now: Date): Promise<void> {
  const ctx = systemCtx(db, practiceId);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;
  const chance = (p: number) => rand() < p;
  const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

  // A point costs the practice 2 cents: a $10 gift card for 500 points.
  await db.update(practices).set({ pointCostCentiCents: 200 }).where(eq(practices.id, practiceId));
  await upsertEligibleItems({ ctx, input: { items: billingCodes } });

  const catalog = [
    {
      kind: "coupon",
      name: "Free whitening",
      pointsPrice: 800,
      couponCode: "free-whitening",
      couponValidDays: 30,
      valueCents: 6000,
      description: "One in-office whitening session.",
    },
    {
      kind: "coupon",
      name: "$10 off your next visit",
      pointsPrice: 400,
      couponCode: "ten-off",
      couponValidDays: 60,
      valueCents: 1000,
      description: "Taken off your next invoice.",
    },
    {
      kind: "coupon",
      name: "Movie night for two",
      pointsPrice: 600,
      couponCode: "movie-ticket",
      couponValidDays: 90,
      valueCents: 2400,
      description: "Two tickets at Springfield Cinemas.",
    },
    {
      kind: "gift_card",
      name: "$5 Starbucks gift card",
      pointsPrice: 250,
      valueCents: 500,
      providerSku: "SBUX-5",
      description: "Delivered by email.",
    },
    {
      kind: "gift_card",
      name: "$10 Amazon gift card",
      pointsPrice: 500,
      valueCents: 1000,
      providerSku: "AMZN-10",
      description: "Delivered by email.",
    },
    {
      kind: "gift_card",
      name: "$25 Target gift card",
      pointsPrice: 1250,
      valueCents: 2500,
      providerSku: "TGT-25",
      description: "Delivered by email.",
    },
    {
      kind: "in_house",
      name: "Bright Smiles water bottle",
      pointsPrice: 300,
      description: "Insulated, keeps water cold for 24 hours.",
    },
    {
      kind: "in_house",
      name: "Bright Smiles hoodie",
      pointsPrice: 900,
      description: "Soft teal hoodie, sizes XS–XL.",
    },
    { kind: "in_house", name: "Electric toothbrush", pointsPrice: 1500, description: "Sonic toothbrush with orthodontic head." },
    { kind: "in_house", name: "Retainer case", pointsPrice: 150, description: "Pick your colour at the front desk." },
  ] as const;
  const rewardIds = new Map<string, string>();
  for (const r of catalog) rewardIds.set(r.name, (await createReward({ ctx, input: { ...r } })).id);

  await saveRuleSet({ ctx, input: { source: demoRules(now), note: "Launch program", publish: true } });

  const questions: { id: string; text: string }[] = [];
  for (const [i, text] of [
    "Arrived on time",
    "Good oral hygiene",
    "No broken brackets or wires",
    "Wore elastics or aligners as directed",
  ].entries()) {
    questions.push(await saveSurveyQuestion({ ctx, input: { text, position: i + 1 } }));
  }
  const qr = await createQrCode({ ctx, input: { code: "SMILE-WALL", label: "Selfie wall in the waiting room" } });
  await createQrCode({ ctx, input: { code: "OPEN-HOUSE", label: "Open house night (next month)" } });
  const friends = await createReferralCampaign({
    ctx,
    input: { name: "friends", kind: "standard", description: "Refer a friend: 250 points when they start treatment." },
  });
  const y = now.getUTCFullYear();
  await createReferralCampaign({
    ctx,
    input: {
      name: "back-to-school",
      kind: "seasonal",
      description: "Double the smiles before school starts.",
      startsOn: `${y}-08-01`,
      endsOn: `${y}-09-15`,
    },
  });
  const contest = await saveActivity({
    ctx,
    input: { kind: "contest", title: "Smile photo contest", description: "Post your best smile; the winner gets a hoodie." },
  });
  await saveActivity({
    ctx,
    input: {
      kind: "survey",
      title: "How did we do?",
      description: "Two minutes, five questions.",
      questions: [
        "How easy was it to book your visit?",
        "How long did you wait after your appointment time?",
        "Did the team explain your treatment clearly?",
        "How comfortable was your visit?",
        "What could we do better?",
      ],
    },
  });
  await saveActivity({ ctx, input: { kind: "social_post", title: "Share your braces-off day", description: "Tag @brightsmiles." } });

  // ---- a year of visits, invoices, surveys, birthdays, consents, reviews, scans --------------
  const roster = await db.select().from(members).where(eq(members.practiceId, practiceId)).orderBy(members.externalId);
  const start = now.getTime() - 365 * DAY;
  const perMember = new Map<string, EventInput[]>();
  const visits: (typeof checkIns.$inferInsert & { ext: string })[] = [];
  const surveys: (typeof surveyResponses.$inferInsert & { ext: string })[] = [];
  const consentRows: (typeof consents.$inferInsert & { ext: string })[] = [];
  const reviewRows: (typeof reviews.$inferInsert & { ext: string })[] = [];
  const scanRows: (typeof qrScans.$inferInsert & { ext: string })[] = [];
  const contestRows: (typeof participations.$inferInsert & { ext: string })[] = [];
  const iso = (ms: number) => new Date(ms).toISOString();

  roster.forEach((m, index) => {
    const list: EventInput[] = [];
    const add = (e: Omit<EventInput, "member">) => list.push({ ...e, member: m.id } as EventInput);
    // The first 50 members have a full year; the rest joined in the last four months.
    const joined = index < 50 ? start + between(0, 20) * DAY : now.getTime() - between(20, 120) * DAY;
    const braces = m.tags.includes("braces");
    if (m.registered) {
      add({ id: `seed:registered:${m.id}`, type: "member.registered", at: iso(joined + 2 * DAY) });
      add({ id: `seed:first_login:${m.id}`, type: "member.first_login", at: iso(joined + 2 * DAY + 3_600_000) });
    }
    let visit = 0;
    for (let t = joined + between(0, 10) * DAY; t < now.getTime() - DAY; t += between(index < 50 ? 26 : 35, index < 50 ? 42 : 55) * DAY) {
      visit++;
      const at = Math.floor(t / DAY) * DAY + between(14, 21) * 3_600_000 + between(0, 3) * 900_000;
      const key = `${m.id}:${visit}`;
      const method = pick(["card", "card", "card", "qr", "phone", "staff"] as const);
      add({ id: `seed:checkin:${key}`, type: "visit.checked_in", at: iso(at), visit: { method } });
      visits.push({ practiceId, memberId: m.id, method, at: new Date(at), ext: `seed:checkin:${key}` });
      const lines = [{ code: braces ? "ADJ" : pick(["ALIGN", "RETAIN", "EXAM"]), amount: `${between(85, 190)}.00` }];
      if (chance(0.45)) lines.push({ code: "CLEAN", amount: `${between(60, 120)}.00` });
      if (chance(0.15)) lines.push({ code: "XRAY", amount: "45.00" });
      if (chance(0.08)) lines.push({ code: "WHITEN", amount: "250.00" });
      if (chance(0.05)) lines.push({ code: "LATE", amount: "15.00" });
      add({
        id: `seed:invoice:${key}:paid`,
        type: "invoice.paid",
        at: iso(at + 40 * 60_000),
        invoice: { id: `INV-${m.externalId}-${visit}`, lines },
      });
      if (chance(0.03))
        add({
          id: `seed:invoice:${key}:voided`,
          type: "invoice.voided",
          at: iso(at + 3 * DAY),
          invoice: { id: `INV-${m.externalId}-${visit}` },
        });
      const answers = questions.map(() => chance(0.93));
      add({ id: `seed:survey:${key}`, type: "survey.submitted", at: iso(at + 50 * 60_000), survey: { answers } });
      surveys.push({
        practiceId,
        memberId: m.id,
        answers: questions.map((q, i) => ({ questionId: q.id, text: q.text, positive: answers[i]! })),
        perfect: answers.every(Boolean),
        takenBy: "staff:seed",
        at: new Date(at + 50 * 60_000),
        ext: `seed:survey:${key}`,
      });
      if (visit === 1 && chance(0.45)) {
        add({ id: `seed:consent:${m.id}`, type: "consent.given", at: iso(at + 45 * 60_000), consent: { kind: "media", full: true } });
        consentRows.push({
          practiceId,
          memberId: m.id,
          kind: "media",
          full: true,
          givenAt: new Date(at + 45 * 60_000),
          ext: `seed:consent:${m.id}`,
        });
      }
      if (visit === 2 && m.registered && chance(0.2)) {
        const rating = pick([5, 5, 5, 4, 4, 3]);
        const ext = `seed:review:${m.id}`;
        add({ id: ext, type: "review.posted", at: iso(at + DAY), review: { rating, platform: pick(["google", "facebook", "tally"]) } });
        reviewRows.push({
          practiceId,
          memberId: m.id,
          rating,
          platform: "google",
          body: pick([
            "The team is wonderful with my kids.",
            "Always on time and so friendly!",
            "Love the rewards, and the braces look great.",
            "Quick visits, clear explanations.",
          ]),
          status: chance(0.6) ? "published" : "submitted",
          publishedAt: new Date(at + 2 * DAY),
          at: new Date(at + DAY),
          ext,
        });
      }
      if (visit === 3 && chance(0.3)) {
        const ext = `seed:qr:${m.id}`;
        add({ id: ext, type: "qr.scanned", at: iso(at + 10 * 60_000), qr: { code: "SMILE-WALL" } });
        scanRows.push({ practiceId, qrCodeId: qr.id, memberId: m.id, at: new Date(at + 10 * 60_000), ext });
      }
      if (visit === 4 && m.registered && chance(0.3)) {
        const ext = `seed:contest:${m.id}`;
        add({ id: ext, type: "marketplace.participated", at: iso(at + 2 * DAY), activity: { kind: "contest", id: contest.id } });
        contestRows.push({
          practiceId,
          activityId: contest.id,
          memberId: m.id,
          response: "My best smile!",
          at: new Date(at + 2 * DAY),
          ext,
        });
      }
    }
    if (m.birthday) {
      for (const yr of [y - 1, y]) {
        const day = Date.parse(`${birthdayIn(m.birthday, yr)}T15:00:00Z`);
        if (day >= joined && day < now.getTime()) add({ id: `seed:birthday:${m.id}:${yr}`, type: "member.birthday", at: iso(day) });
      }
    }
    list.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    perMember.set(m.id, list);
  });

  const setup = await loadSetup(db, practiceId);
  const eventIds = new Map<string, string>();
  const ids = [...perMember.keys()];
  for (let i = 0; i < ids.length; i += 50) {
    const chunk = ids.slice(i, i + 50).flatMap((id) => perMember.get(id)!);
    const recorded = await db.transaction((tx) => recordEvents(tx, ctx, chunk, { setup, source: "seed" }));
    for (const r of recorded) if (!r.duplicate) eventIds.set(r.externalId, r.eventId);
  }
  const withEvent = <T extends { ext: string }>(rows: T[]) => rows.map(({ ext, ...r }) => ({ ...r, eventId: eventIds.get(ext) ?? null }));
  const insertAll = async <T>(rows: T[], insert: (batch: T[]) => Promise<unknown>) => {
    for (let i = 0; i < rows.length; i += 1000) await insert(rows.slice(i, i + 1000));
  };
  await insertAll(withEvent(visits), (b) => db.insert(checkIns).values(b));
  await insertAll(withEvent(surveys), (b) => db.insert(surveyResponses).values(b));
  await insertAll(
    withEvent(consentRows).map(({ eventId: _e, ...r }) => r),
    (b) => db.insert(consents).values(b),
  );
  await insertAll(
    withEvent(reviewRows).map((r) => ({
      ...r,
      publishedAt: r.status === "published" ? r.publishedAt : null,
      publishedBy: r.status === "published" ? "seed" : null,
    })),
    (b) => db.insert(reviews).values(b),
  );
  await insertAll(withEvent(scanRows), (b) => db.insert(qrScans).values(b));
  await insertAll(withEvent(contestRows), (b) => db.insert(participations).values(b));

  // ---- today: referrals, approvals and orders, through the verbs ---------------------------
  const asStaff: Ctx = ctx;
  for (let i = 0; i < 4; i++) {
    const referrer = roster[i * 3]!;
    const friend = roster[60 + i]!;
    const invite = await inviteReferral({
      ctx: asStaff,
      input: {
        campaignId: friends.id,
        referrerId: referrer.id,
        inviteeName: `${friend.firstName} ${friend.lastName}`,
        inviteeEmail: friend.email ?? undefined,
      },
    });
    await convertReferral({ ctx: asStaff, input: { token: invite.token, memberId: friend.id } });
  }
  await inviteReferral({
    ctx: asStaff,
    input: { campaignId: friends.id, referrerId: roster[1]!.id, inviteeName: "Jordan Miles", inviteeEmail: "jordan.miles@example.com" },
  });

  const handles = ["@ana.smiles", "@liam_g", "@olivia.b", "@noahbraces", "@emma.k", "@mateo"];
  const requests: string[] = [];
  for (const [i, handle] of handles.entries()) {
    const m = roster[i * 5]!;
    const r = await completeAction({ ctx: asStaff, input: { memberId: m.id, rule: "Followed us on Instagram", response: handle } });
    if (r.requestId) requests.push(r.requestId);
  }
  if (requests[0]) await decideApproval({ ctx: asStaff, input: { requestId: requests[0], decision: "approve" } });
  if (requests[1]) await decideApproval({ ctx: asStaff, input: { requestId: requests[1], decision: "reject" } });

  const rich = await db.query.memberBalances.findMany({
    where: (b, { eq: e }) => e(b.practiceId, practiceId),
    orderBy: (b, { desc }) => desc(b.balance),
    limit: 12,
  });
  const plan = [
    "Bright Smiles water bottle",
    "Bright Smiles hoodie",
    "Retainer case",
    "Electric toothbrush",
    "Bright Smiles water bottle",
    "$10 Amazon gift card",
    "$5 Starbucks gift card",
    "$10 off your next visit",
    "Retainer case",
  ];
  const orderIds: string[] = [];
  for (const [i, name] of plan.entries()) {
    const who = rich[i % rich.length];
    if (!who) break;
    const r = await redeemReward({ ctx: asStaff, input: { memberId: who.memberId, rewardId: rewardIds.get(name)! } }).catch(() => null);
    // In-house prizes wait for the front desk; gift cards wait for the outbox (the server's job runner issues them).
    if (r?.status === "pending" && r.kind === "in_house") orderIds.push(r.orderId);
  }
  if (orderIds[3]) await fulfilOrder({ ctx: asStaff, input: { orderId: orderIds[3], note: "Picked up at the front desk" } });
  if (orderIds[4]) await cancelOrder({ ctx: asStaff, input: { orderId: orderIds[4], reason: "Out of stock — points refunded" } });
}

/** The small second practice: a veterinary program in test mode with sensitive codes off. */
export async function seedVetProgram(db: Db, practiceId: string): Promise<void> {
  const ctx = systemCtx(db, practiceId);
  await upsertEligibleItems({
    ctx,
    input: {
      items: [
        { code: "WELL", name: "Wellness exam", enabled: true },
        { code: "VACC", name: "Vaccination", enabled: true },
        { code: "DENT", name: "Dental cleaning", enabled: true },
        { code: "EUTH", name: "Euthanasia" },
        { code: "CREM", name: "Private cremation" },
      ],
    },
  });
  await createReward({ ctx, input: { kind: "in_house", name: "Bag of treats", pointsPrice: 50, description: "For a very good pet." } });
  await createReward({
    ctx,
    input: { kind: "gift_card", name: "$10 Chewy gift card", pointsPrice: 100, valueCents: 1000, providerSku: "CHEWY-10" },
  });
  await saveRuleSet({
    ctx,
    input: {
      source: 'earn "Loyalty points" on invoice.paid {\n  rate 1 point per $10\n  mode total_spend\n}\n',
      note: "Exchange rate 1 point per $10",
      publish: true,
    },
  });
}
