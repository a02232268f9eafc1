// Emails sent at once rather than through the outbox (a password reset link works for an hour; a
// referral goes to a friend who is not a member yet), written like the outbox's: the practice's
// branding, in the language of the member they come from (their choice, else the practice's).
import { memberLocale } from "@tally/core";
import type { Mailer } from "../mail.ts";
import type { AppDeps } from "../trpc/context.ts";
import { loadPractice } from "./drain.ts";
import { publicUrlOf } from "./run.ts";
import { passwordResetContent, referralContent, renderEmail } from "./templates.ts";

type Deps = Pick<AppDeps, "config" | "database"> & { mailer: Mailer };

export async function sendPasswordReset(
  deps: Deps,
  reset: { practiceId: string; memberId: string; email: string; firstName: string },
  link: string,
) {
  const db = deps.database.db;
  const p = await loadPractice({ db, publicUrl: publicUrlOf(deps) }, reset.practiceId);
  const locale = await memberLocale(db, reset.memberId, p.locale);
  const email = await renderEmail(passwordResetContent(p.branding, locale, reset.firstName, link), p.branding, null, locale);
  await deps.mailer.send({ practiceId: reset.practiceId, to: reset.email, subject: email.subject, text: email.text, html: email.html });
}

export async function sendReferralInvite(
  deps: Deps,
  referral: { practiceId: string; memberId: string; memberFirstName: string; to: string; inviteeName: string },
  link: string,
) {
  const db = deps.database.db;
  const p = await loadPractice({ db, publicUrl: publicUrlOf(deps) }, referral.practiceId);
  const locale = await memberLocale(db, referral.memberId, p.locale);
  const content = referralContent(p.branding, locale, referral.memberFirstName, referral.inviteeName, link);
  const email = await renderEmail(content, p.branding, null, locale);
  await deps.mailer.send({ practiceId: referral.practiceId, to: referral.to, subject: email.subject, text: email.text, html: email.html });
}
