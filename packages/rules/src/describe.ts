// One plain-English line per rule, for the admin editor's preview pane.
import type { Clause, Prize, Rule } from "./ast/ast.ts";
import { formatExpr, money } from "./format/format.ts";

const eventPhrases: Record<string, string> = {
  "invoice.paid": "when an invoice is paid",
  "visit.checked_in": "when they check in",
  "consent.given": "when they give consent",
  "survey.submitted": "when a compliance survey is submitted",
  "referral.converted": "when a referral converts",
  "review.posted": "when they post a review",
  "qr.scanned": "when they scan a QR code",
  "marketplace.participated": "when they take part in a contest, survey or social post",
  "member.registered": "when they register",
  "member.first_login": "when they first log in",
  "member.birthday": "on their birthday",
};

function get<K extends Clause["kind"]>(r: Rule, kind: K): Extract<Clause, { kind: K }> | undefined {
  return r.clauses.find((c) => c.kind === kind) as Extract<Clause, { kind: K }> | undefined;
}

function pts(n: number): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? "point" : "points"}`;
}

function prize(p: Prize): string {
  const parts = p.coupons.map((c) => `coupon "${c.name}"`);
  if (p.points !== null) parts.unshift(pts(p.points));
  return parts.join(" and ");
}

function dur(d: { amount: number; unit: string }): string {
  return `${d.amount} ${d.unit}${d.amount === 1 ? "" : "s"}`;
}

function tail(r: Rule): string {
  let s = "";
  const limit = get(r, "limit");
  if (limit) s += `, ${limit.count === 1 ? "once" : `at most ${limit.count} times`} per ${limit.per}`;
  const d = get(r, "during");
  if (d) s += `, from ${d.from} to ${d.to}`;
  return s;
}

export function describeRule(r: Rule): string {
  const cond = (r.kind === "earn" || r.kind === "reward") && r.when ? `, if ${formatExpr(r.when)}` : "";
  switch (r.kind) {
    case "earn": {
      const rate = get(r, "rate");
      if (!rate) return `Earn rule "${r.name}" (incomplete: no rate)`;
      const items = get(r, "items")?.items ?? "eligible";
      const what = items === "eligible" ? "eligible spend" : items === "all" ? "all spend" : `spend on ${items.join(", ")}`;
      const total = get(r, "mode")?.mode === "total_spend";
      const min = get(r, "minimum");
      return `Patients earn ${pts(rate.points)} per ${money(rate.perCents)} of ${what}, ${total ? "on their total spend over time" : "per visit"}${min && !total ? `, from ${money(min.cents)}` : ""}${cond}${tail(r)}`;
    }
    case "reward": {
      const awards = r.clauses.filter((c): c is Extract<Clause, { kind: "award" }> => c.kind === "award");
      const who = awards.map((a) => `${a.to === "referrer" ? "the referrer gets" : "patients get"} ${prize(a.prize)}`).join(" and ");
      const first = who.charAt(0).toUpperCase() + who.slice(1);
      if (!r.event) {
        const prompt = get(r, "prompt");
        return `${first || "Nothing is awarded"} when staff approve their answer to "${prompt?.text ?? "…"}"${tail(r)}`;
      }
      const acc = get(r, "accumulate")?.mode ?? "yes";
      const accText =
        acc === "no" ? ", instead of spend points" : acc === "better_choice" ? ", or their spend points if those are more" : "";
      return `${first || "Nothing is awarded"} ${eventPhrases[r.event.name] ?? `on ${r.event.name}`}${cond}${accText}${tail(r)}`;
    }
    case "instant": {
      const w = get(r, "window");
      const when = get(r, "when");
      const u = get(r, "unlock");
      const coupons = u ? u.coupons.map((c) => `"${c.name}"`).join(" and ") : "coupons";
      return `Within ${w ? dur(w.duration) : "…"} of checking in, once ${when ? formatExpr(when.expr) : "…"}, patients unlock ${u && u.coupons.length > 1 ? "coupons" : "coupon"} ${coupons}${u?.for ? ` for ${dur(u.for)}` : ""}${tail(r)}`;
    }
    case "milestone": {
      if (r.program === "unlimited") {
        const e = get(r, "every");
        return e ? `Every ${e.count} perfect surveys, patients get ${prize(e.prize)}${tail(r)}` : `Milestone "${r.name}" (incomplete)`;
      }
      const phases = r.clauses.filter((c): c is Extract<Clause, { kind: "phase" }> => c.kind === "phase");
      return `Phases: ${phases.map((p) => `"${p.name}" after ${p.count} perfect surveys (${prize(p.prize)})`).join(", then ")}${tail(r)}`;
    }
  }
}
