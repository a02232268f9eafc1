// One plain-English line per rule, for the admin editor's preview pane. Everything a person reads
// here is English: no field paths, operators or coupon codes (a coupon reads as its catalog name).
import type { Clause, Declaration, Expr, Prize, Rule } from "./ast/ast.ts";
import { eventsByName, instantFields, memberFields } from "./check/catalog.ts";
import { money } from "./format/format.ts";

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

/** What a field is, as the subject of a sentence ("… is at least $300"). */
const fieldNouns: Record<string, string> = {
  "member.tags": "their tags",
  "member.paid_invoices": "the number of invoices they have paid (this one included)",
  "member.lifetime_spend": "their eligible spend over time (this visit included)",
  "member.points": "their balance before this event",
  "member.age": "their age",
  "member.birth_month": "their birth month",
  "member.tier": "their tier",
  "event.weekday": "the day of the week",
  "event.hour": "the hour",
  "event.day": "the day of the month",
  "event.month": "the month",
  "visit.spend": "their eligible spend since checking in",
  "visit.points": "the points they earned since checking in",
  "visit.method": "the way they check in",
  "invoice.id": "the invoice number",
  "invoice.total": "the invoice total",
  "invoice.eligible_total": "the invoice's eligible total",
  "invoice.codes": "the invoice's billing codes",
  "consent.kind": "the kind of consent",
  "survey.positive": "the number of positive answers",
  "survey.questions": "the number of questions",
  "referral.campaign": "the referral campaign",
  "review.rating": "the rating",
  "review.platform": "the review site",
  "qr.code": "the QR code",
  "activity.kind": "the activity",
  "activity.id": "the activity",
  "action.name": "the request",
  "adjustment.points": "the points added",
  "redemption.points": "the points redeemed",
};

/** Yes/no fields as a statement ("they have registered"), and its negation. */
const boolPhrases: Record<string, [yes: string, no: string]> = {
  "member.registered": ["they have registered", "they have not registered"],
  "consent.full": ["the consent is full", "the consent is not full"],
  "survey.perfect": ["every answer is positive", "not every answer is positive"],
};

/** Known text values in words. */
const valueWords: Record<string, Record<string, string>> = {
  "activity.kind": { contest: "a contest", survey: "a survey", social_post: "a social post" },
  "visit.method": { card: "with their card", qr: "with a QR code", phone: "with their phone number", staff: "at the front desk" },
  "review.platform": { google: "Google", facebook: "Facebook", yelp: "Yelp" },
};

const monthNames = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const monthFields = new Set(["event.month", "member.birth_month"]);

const pointFields = new Set(["member.points", "visit.points", "adjustment.points", "redemption.points"]);
const ageFields = new Set(["member.age"]);

const comparisonWords: Record<string, string> = {
  "=": "is",
  "!=": "is not",
  "<": "is less than",
  "<=": "is at most",
  ">": "is more than",
  ">=": "is at least",
};

const arithmeticWords: Record<string, string> = { "+": "plus", "-": "minus", "*": "times", "/": "divided by" };

const nounOf = (path: string): string => {
  const known = fieldNouns[path];
  if (known) return known;
  // A field the catalog knows but this table does not: its description is English already.
  const info = [...memberFields, ...instantFields, ...[...eventsByName.values()].flatMap((e) => e.fields)].find((f) => f.name === path);
  return info?.description ?? "a value";
};

function valueText(e: Expr, field: string | null): string {
  switch (e.kind) {
    case "number":
      if (field && pointFields.has(field)) return pts(e.value);
      if (field && monthFields.has(field) && Number.isInteger(e.value) && e.value >= 1 && e.value <= 12) return monthNames[e.value - 1]!;
      if (field === "event.hour" && Number.isInteger(e.value)) return `${e.value}:00`;
      if (field && ageFields.has(field)) return `${e.value.toLocaleString("en-US")} years`;
      return e.value.toLocaleString("en-US");
    case "money":
      return money(e.cents);
    case "string":
      if (field === "event.weekday" && /^[a-z]+day$/.test(e.value)) return e.value.charAt(0).toUpperCase() + e.value.slice(1);
      return (field && valueWords[field]?.[e.value]) ?? `“${e.value}”`;
    case "bool":
      return e.value ? "yes" : "no";
    case "list":
      return orList(e.items.map((i) => valueText(i, field)));
    default:
      return say(e);
  }
}

const orList = (xs: string[]) => (xs.length <= 1 ? (xs[0] ?? "nothing") : `${xs.slice(0, -1).join(", ")} or ${xs.at(-1)}`);

const pathOf = (e: Expr): string | null => (e.kind === "path" ? e.path : null);

/** A condition in words: `member.paid_invoices = 1` -> "this is their first paid invoice". */
function say(e: Expr): string {
  switch (e.kind) {
    case "path":
      return boolPhrases[e.path]?.[0] ?? `${nounOf(e.path)} is yes`;
    case "not":
      if (e.operand.kind === "path" && boolPhrases[e.operand.path]) return boolPhrases[e.operand.path]![1];
      if (e.operand.kind === "hasTag") return tagged(e.operand.subject, e.operand.tag, false);
      return `it is not the case that ${say(e.operand)}`;
    case "hasTag":
      return tagged(e.subject, e.tag, true);
    case "binary":
      return sayBinary(e);
    default:
      return valueText(e, null);
  }
}

/** A tag test: about the member ("they have the tag …") or, rarely, something else. */
function tagged(subject: Expr, tag: string, has: boolean): string {
  if (subject.kind === "path" && subject.path === "member") return `they ${has ? "have" : "do not have"} the tag “${tag}”`;
  return `${operand(subject)} ${has ? "has" : "does not have"} the tag “${tag}”`;
}

function sayBinary(e: Extract<Expr, { kind: "binary" }>): string {
  const { op, left, right } = e;
  if (op === "and" || op === "or") {
    const part = (x: Expr) => (x.kind === "binary" && (x.op === "and" || x.op === "or") && x.op !== op ? `(${say(x)})` : say(x));
    return `${part(left)} ${op} ${part(right)}`;
  }
  if (op in arithmeticWords) return `${operand(left)} ${arithmeticWords[op]} ${operand(right)}`;
  if (op === "in") {
    // "D1110" in invoice.codes -> the invoice's billing codes include “D1110”.
    if (right.kind === "path") return `${nounOf(right.path)} include ${valueText(left, right.path)}`;
    return `${operand(left)} is ${right.kind === "list" && right.items.length > 1 ? "one of " : ""}${valueText(right, pathOf(left))}`;
  }
  // Put the field first: `300 <= visit.spend` reads as "visit.spend >= 300".
  const flipped: Record<string, string> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!=" };
  let [l, r, o] = [left, right, op as string];
  if (l.kind !== "path" && r.kind === "path") [l, r, o] = [right, left, flipped[op] ?? op];
  const field = pathOf(l);
  if (field) {
    const yesNo = boolPhrases[field];
    if (yesNo && r.kind === "bool") return r.value === (o === "=") ? yesNo[0] : yesNo[1];
    if (field === "member.paid_invoices" && r.kind === "number" && r.value === 1 && o === "=") return "this is their first paid invoice";
    if (field === "event.month" && r.kind === "path" && r.path === "member.birth_month" && o === "=") return "it is their birthday month";
    if (field === "event.weekday" && r.kind === "string" && (o === "=" || o === "!="))
      return `it is ${o === "=" ? "" : "not "}a ${valueText(r, field)}`;
    if (field === "visit.method" && r.kind === "string" && valueWords[field]![r.value] && (o === "=" || o === "!="))
      return `they ${o === "=" ? "" : "do not "}check in ${valueWords[field]![r.value]}`;
  }
  return `${operand(l)} ${comparisonWords[o] ?? o} ${valueText(r, field)}`;
}

const operand = (e: Expr): string => (e.kind === "path" ? nounOf(e.path) : e.kind === "binary" ? say(e) : valueText(e, null));

function get<K extends Clause["kind"]>(r: Rule, kind: K): Extract<Clause, { kind: K }> | undefined {
  return r.clauses.find((c) => c.kind === kind) as Extract<Clause, { kind: K }> | undefined;
}

function pts(n: number): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? "point" : "points"}`;
}

/** "ten-off" -> "Ten off", for a coupon the catalog has no name for. */
const couponWords = (code: string) => {
  const s = code.replace(/[-_]+/g, " ").trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
};

/** Coupon display names by code (the catalog's names); a code without one reads as words. */
type CouponNames = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

function couponName(code: string, names: CouponNames | undefined): string {
  const named = names instanceof Map ? names.get(code) : (names as Record<string, string> | undefined)?.[code];
  return `“${named ?? couponWords(code)}”`;
}

/** "2026-12-01" -> "Dec 1, 2026" (a calendar date: no time zone shifts it). */
function day(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone: "UTC" }).format(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
}

function prize(p: Prize, names: CouponNames | undefined): string {
  const parts = p.coupons.map((c) => `the coupon ${couponName(c.name, names)}${c.for ? ` (valid for ${dur(c.for)})` : ""}`);
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
  const cap = get(r, "cap");
  if (cap) s += `, at most ${pts(cap.points)} per ${cap.per}`;
  const available = get(r, "available");
  if (available) s += `; the points can be spent ${dur(available.after)} after they are earned`;
  const d = get(r, "during");
  if (d?.yearly) s += `, every year from ${monthDay(d.from)} to ${monthDay(d.to)}`;
  else if (d) s += `, from ${day(d.from)} to ${day(d.to)}`;
  return s;
}

/** "12-15" -> "December 15". */
function monthDay(md: string): string {
  return `${monthNames[Number(md.slice(0, 2)) - 1] ?? md} ${Number(md.slice(3, 5))}`;
}

/** `expire …` and `tiers …` in plain English, for the preview pane. */
export function describeDeclaration(d: Declaration): string {
  if (d.kind === "expire")
    return d.mode === "after_earning"
      ? `Points expire ${dur({ amount: d.months, unit: "month" })} after they are earned (the oldest are spent first)`
      : `All points expire after ${dur({ amount: d.months, unit: "month" })} without earning or redeeming`;
  const what = d.by === "spend" ? "eligible spend" : d.by === "points" ? "points earned" : "days with a visit";
  const levels = d.tiers.map((t) => {
    const from = t.money
      ? money(t.from)
      : d.by === "points"
        ? pts(t.from)
        : `${t.from.toLocaleString("en-US")} ${t.from === 1 ? "day" : "days"}`;
    const mult = t.multiplier !== null && Number(t.multiplier) !== 1 ? `, spend points ×${t.multiplier}` : "";
    return `“${t.name}” from ${from}${mult}`;
  });
  return `Tiers by ${what} over the last ${dur({ amount: d.months, unit: "month" })}: ${levels.join(", ")}`;
}

/**
 * The rule in plain English. `couponNames` gives the catalog's display names by coupon code
 * (`"ten-off"` -> `"$10 off your next visit"`); a code the catalog does not name reads as words.
 */
export function describeRule(r: Rule, options: { couponNames?: CouponNames } = {}): string {
  const names = options.couponNames;
  const cond = (r.kind === "earn" || r.kind === "reward") && r.when ? `, if ${say(r.when)}` : "";
  switch (r.kind) {
    case "earn": {
      const rate = get(r, "rate");
      if (!rate) return `“${r.name}” is not finished: say how many points each dollar amount earns (for example 1 point per $10)`;
      const items = get(r, "items")?.items ?? "eligible";
      const what = items === "eligible" ? "eligible spend" : items === "all" ? "all spend" : `spend on billing codes ${items.join(", ")}`;
      const total = get(r, "mode")?.mode === "total_spend";
      const min = get(r, "minimum");
      return `Patients earn ${pts(rate.points)} per ${money(rate.perCents)} of ${what}, ${total ? "on their total spend over time" : "per visit"}${min && !total ? `, from ${money(min.cents)}` : ""}${cond}${tail(r)}`;
    }
    case "reward": {
      const awards = r.clauses.filter((c): c is Extract<Clause, { kind: "award" }> => c.kind === "award");
      const who = awards.map((a) => `${a.to === "referrer" ? "the referrer gets" : "patients get"} ${prize(a.prize, names)}`).join(" and ");
      const first = who.charAt(0).toUpperCase() + who.slice(1);
      if (!r.event) {
        const prompt = get(r, "prompt");
        return `${first || "Nothing is awarded"} when staff approve their answer to “${prompt?.text ?? "…"}”${tail(r)}`;
      }
      const acc = get(r, "accumulate")?.mode ?? "yes";
      const accText =
        acc === "no" ? ", instead of spend points" : acc === "better_choice" ? ", or their spend points if those are more" : "";
      const on = eventPhrases[r.event.name] ?? `when ${eventsByName.get(r.event.name)?.description ?? "this happens"}`;
      return `${first || "Nothing is awarded"} ${on}${cond}${accText}${tail(r)}`;
    }
    case "instant": {
      const w = get(r, "window");
      const when = get(r, "when");
      const u = get(r, "unlock");
      const coupons = u && u.coupons.length > 0 ? u.coupons.map((c) => couponName(c.name, names)).join(" and ") : "…";
      return `Within ${w ? dur(w.duration) : "…"} of checking in, once ${when ? say(when.expr) : "…"}, patients unlock ${u && u.coupons.length > 1 ? "the coupons" : "the coupon"} ${coupons}${u?.for ? ` for ${dur(u.for)}` : ""}${tail(r)}`;
    }
    case "milestone": {
      const only = r.when ? ` (counting only surveys when ${say(r.when)})` : "";
      if (only && r.program === "unlimited") {
        const e = get(r, "every");
        if (e) return `Every ${e.count} perfect surveys${only}, patients get ${prize(e.prize, names)}${tail(r)}`;
      }
      if (r.program === "unlimited") {
        const e = get(r, "every");
        return e
          ? `Every ${e.count} perfect surveys, patients get ${prize(e.prize, names)}${tail(r)}`
          : `“${r.name}” is not finished: say after how many perfect surveys patients get what`;
      }
      const phases = r.clauses.filter((c): c is Extract<Clause, { kind: "phase" }> => c.kind === "phase");
      return `Phases${only}: ${phases.map((p) => `“${p.name}” after ${p.count} perfect surveys (${prize(p.prize, names)})`).join(", then ")}${tail(r)}`;
    }
  }
}
