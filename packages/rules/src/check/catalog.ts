// The events a rule may listen to and the fields a condition may read (SPEC section 4).
// Exported as data so the admin editor can offer autocompletion from the same source.

export type ValueType = "number" | "money" | "text" | "bool" | "list<text>";

export interface FieldInfo {
  name: string;
  type: ValueType;
  description: string;
}

export interface EventInfo {
  name: string;
  description: string;
  /** False for events the engine handles itself (voids, the manual flow, adjustments). */
  writableOn: boolean;
  fields: FieldInfo[];
}

export const memberFields: FieldInfo[] = [
  { name: "member.tags", type: "list<text>", description: 'the member\'s tags; test with `member has tag "vip"`' },
  { name: "member.paid_invoices", type: "number", description: "fully paid invoices, including this one" },
  { name: "member.lifetime_spend", type: "money", description: "eligible spend over time, including this event" },
  { name: "member.points", type: "number", description: "point balance before this event" },
  { name: "member.registered", type: "bool", description: "whether the member has registered" },
  { name: "member.age", type: "number", description: "age in years, when the birthday is known" },
  { name: "member.birth_month", type: "number", description: "month of the birthday, 1 to 12, when the birthday is known" },
  { name: "member.tier", type: "text", description: 'the member\'s tier for this event ("" without tiers)' },
];

/** Calendar fields of every event, in the practice timezone (SPEC 7). */
export const eventFields: FieldInfo[] = [
  { name: "event.weekday", type: "text", description: '"monday" to "sunday"' },
  { name: "event.hour", type: "number", description: "hour of the day, 0 to 23" },
  { name: "event.day", type: "number", description: "day of the month, 1 to 31" },
  { name: "event.month", type: "number", description: "month, 1 to 12" },
];

/** Readable only inside `instant ... when`. */
export const instantFields: FieldInfo[] = [
  { name: "visit.spend", type: "money", description: "eligible total of invoices paid in the visit window" },
  { name: "visit.points", type: "number", description: "points awarded in the visit window" },
];

/** Keeps each event's name as its literal type, so `EventType` is the union of the catalog's names. */
function defineEvents<const N extends string>(list: (EventInfo & { name: N })[]): (EventInfo & { name: N })[] {
  return list;
}

/** The one catalog of event types: the checker, core's event schemas and the editor's highlighter read it. */
export const events = defineEvents([
  {
    name: "invoice.paid",
    description: "an invoice was fully paid",
    writableOn: true,
    fields: [
      { name: "invoice.id", type: "text", description: "the invoice number" },
      { name: "invoice.total", type: "money", description: "total of all lines" },
      { name: "invoice.eligible_total", type: "money", description: "total of the eligible lines" },
      { name: "invoice.codes", type: "list<text>", description: "billing codes on the invoice" },
    ],
  },
  {
    name: "invoice.voided",
    description: "an invoice was voided or refunded; reverses what it earned",
    writableOn: false,
    fields: [{ name: "invoice.id", type: "text", description: "the invoice number" }],
  },
  {
    name: "visit.checked_in",
    description: "the member checked in",
    writableOn: true,
    fields: [{ name: "visit.method", type: "text", description: '"card", "qr", "phone" or "staff"' }],
  },
  {
    name: "consent.given",
    description: "the member gave a consent",
    writableOn: true,
    fields: [
      { name: "consent.kind", type: "text", description: 'kind of consent, e.g. "media"' },
      { name: "consent.full", type: "bool", description: "whether the consent is full" },
    ],
  },
  {
    name: "survey.submitted",
    description: "a compliance survey was submitted",
    writableOn: true,
    fields: [
      { name: "survey.perfect", type: "bool", description: "every answer was positive" },
      { name: "survey.positive", type: "number", description: "number of positive answers" },
      { name: "survey.questions", type: "number", description: "number of questions" },
    ],
  },
  {
    name: "referral.converted",
    description: "a referred friend became a member; `to referrer` awards the referring member",
    writableOn: true,
    fields: [{ name: "referral.campaign", type: "text", description: "the referral campaign" }],
  },
  {
    name: "review.posted",
    description: "the member posted a review",
    writableOn: true,
    fields: [
      { name: "review.rating", type: "number", description: "rating from 1 to 5" },
      { name: "review.platform", type: "text", description: 'e.g. "google"' },
    ],
  },
  {
    name: "qr.scanned",
    description: "the member scanned a QR code",
    writableOn: true,
    fields: [{ name: "qr.code", type: "text", description: "the QR code" }],
  },
  {
    name: "marketplace.participated",
    description: "the member took part in a contest, survey or social post",
    writableOn: true,
    fields: [
      { name: "activity.kind", type: "text", description: '"contest", "survey" or "social_post"' },
      { name: "activity.id", type: "text", description: "the activity" },
    ],
  },
  { name: "member.registered", description: "the member registered", writableOn: true, fields: [] },
  { name: "member.first_login", description: "the member logged in for the first time", writableOn: true, fields: [] },
  { name: "member.birthday", description: "it is the member's birthday", writableOn: true, fields: [] },
  {
    name: "action.completed",
    description: "the member completed a manual reward's prompt (write a `manual` reward instead)",
    writableOn: false,
    fields: [{ name: "action.name", type: "text", description: "the manual reward's name" }],
  },
  {
    name: "action.approved",
    description: "staff approved a manual reward request",
    writableOn: false,
    fields: [{ name: "action.name", type: "text", description: "the manual reward's name" }],
  },
  {
    name: "action.rejected",
    description: "staff rejected a manual reward request",
    writableOn: false,
    fields: [{ name: "action.name", type: "text", description: "the manual reward's name" }],
  },
  {
    name: "points.adjusted",
    description: "staff added or deducted points",
    writableOn: false,
    fields: [{ name: "adjustment.points", type: "number", description: "points added (negative: deducted)" }],
  },
  {
    name: "points.redeemed",
    description: "the member redeemed points",
    writableOn: false,
    fields: [{ name: "redemption.points", type: "number", description: "points redeemed" }],
  },
]);

export const eventsByName: ReadonlyMap<string, EventInfo> = new Map(events.map((e) => [e.name, e]));

export const writableEvents: string[] = events.filter((e) => e.writableOn).map((e) => e.name);

export type EventType = (typeof events)[number]["name"];

/** Every event type in catalog order, as a non-empty tuple (what `z.enum` takes). */
export const eventTypes = events.map((e) => e.name) as [EventType, ...EventType[]];

export const isEventType = (name: string): name is EventType => eventsByName.has(name);

/** Fields a condition on this event may read (member fields included). */
export function fieldsFor(event: string | "instant"): FieldInfo[] {
  if (event === "instant") return [...memberFields, ...eventFields, ...instantFields];
  return [...memberFields, ...eventFields, ...(eventsByName.get(event)?.fields ?? [])];
}

export const allFieldNames: string[] = [
  ...new Set([...memberFields, ...eventFields, ...instantFields, ...events.flatMap((e) => e.fields)].map((f) => f.name)),
];

export function levenshtein(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate, if it is close enough to be a plausible typo. */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = levenshtein(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}
