// How each field of the catalog is read at evaluation time.
import type { EvalContext } from "../engine/context.ts";
import { ageOn } from "../time.ts";

const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;

export type Getter = (c: EvalContext) => unknown;

export const fieldGetters: Record<string, Getter> = {
  "member.tags": (c) => c.member.tags,
  "member.paid_invoices": (c) => c.member.paidInvoices,
  "member.lifetime_spend": (c) => c.member.lifetimeSpend,
  "member.points": (c) => c.pointsBefore,
  "member.registered": (c) => c.member.registered,
  "member.age": (c) => (c.member.birthday ? ageOn(c.member.birthday, c.date) : undefined),
  "member.birth_month": (c) => (c.member.birthday ? Number(c.member.birthday.slice(5, 7)) : undefined),
  "member.tier": (c) => c.member.tier ?? "",
  "event.weekday": (c) => WEEKDAYS[new Date(`${c.date}T00:00:00Z`).getUTCDay()],
  "event.hour": (c) => c.hour,
  "event.day": (c) => Number(c.date.slice(8, 10)),
  "event.month": (c) => Number(c.date.slice(5, 7)),
  "invoice.id": (c) => c.invoice?.id ?? c.event.invoice?.id,
  "invoice.total": (c) => c.invoice?.total,
  "invoice.eligible_total": (c) => c.invoice?.eligible,
  "invoice.codes": (c) => c.codes(),
  "visit.method": (c) => c.event.visit?.method,
  "visit.spend": (c) => c.window?.spend ?? 0,
  "visit.points": (c) => c.window?.points ?? 0,
  "consent.kind": (c) => c.event.consent?.kind,
  "consent.full": (c) => c.event.consent?.full === true,
  "survey.perfect": (c) => surveyFacts(c).perfect,
  "survey.positive": (c) => surveyFacts(c).positive,
  "survey.questions": (c) => surveyFacts(c).questions,
  "referral.campaign": (c) => c.event.referral?.campaign,
  "review.rating": (c) => c.event.review?.rating,
  "review.platform": (c) => c.event.review?.platform,
  "qr.code": (c) => c.event.qr?.code,
  "activity.kind": (c) => c.event.activity?.kind,
  "activity.id": (c) => c.event.activity?.id,
  "action.name": (c) => c.event.action?.name,
  "adjustment.points": (c) => c.event.adjustment?.points,
  "redemption.points": (c) => c.event.redemption?.points,
};

/** A survey is perfect when it has answers and every one is positive. */
export function surveyFacts(c: { event: EvalContext["event"] }): { perfect: boolean; positive: number; questions: number } {
  const s = c.event.survey;
  // Integrations that only send the verdict (no answers) are taken at their word.
  if (s !== undefined && s.answers === undefined && typeof s.perfect === "boolean") {
    const questions = typeof s.questions === "number" ? s.questions : 0;
    return { perfect: s.perfect, positive: typeof s.positive === "number" ? s.positive : s.perfect ? questions : 0, questions };
  }
  const answers = s?.answers ?? [];
  let positive = 0;
  for (const a of answers) if (a === true) positive++;
  return { perfect: answers.length > 0 && positive === answers.length, positive, questions: answers.length };
}
