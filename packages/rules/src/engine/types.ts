// The engine's inputs and outputs. All plain JSON, so a database layer can persist the state
// per member (and the processed event ids per practice) and write effects to its ledger.

export type ProgramStatus = "on" | "off" | "test";

/** One money line of an invoice: amount is a decimal string of dollars ("15.00"). */
export interface InvoiceLine {
  code: string;
  amount: string | number;
}

/** An event, as the scenario format and the integrations deliver it (SPEC section 6). */
export interface EngineEvent {
  id: string;
  type: string;
  /** ISO-8601 instant; evaluation uses it, never the clock. */
  at: string;
  member: string;
  invoice?: { id: string; lines?: InvoiceLine[] };
  visit?: { method?: string };
  consent?: { kind?: string; full?: boolean };
  /** `answers` (true = positive); or, without answers, `perfect` (and optionally the counts). */
  survey?: { answers?: boolean[]; perfect?: boolean; positive?: number; questions?: number };
  referral?: { referrer?: string; campaign?: string };
  review?: { rating?: number; platform?: string };
  qr?: { code?: string };
  activity?: { kind?: string; id?: string };
  action?: { name: string; response?: string };
  adjustment?: { points: number; note?: string };
  redemption?: { points: number; reward?: string };
}

/** What the engine keeps about one paid invoice, so a void can take back exactly what it gave. */
export interface InvoiceRecord {
  /** The invoice.paid event id. */
  event: string;
  total: number;
  eligible: number;
  awards: AwardRecord[];
  /** total_spend rules: basis this invoice added, and points it settled (awarded or suppressed). */
  bases?: Record<string, number>;
  settled?: Record<string, number>;
  voided?: boolean;
  /** The lines' signature (linesSignature): the same id paid with other lines is a revision. */
  sig?: string;
  /** When it was paid (ms), kept for `tiers by spend`. */
  at?: number;
}

export interface AwardRecord {
  rule: string;
  points: number;
  /** The limit counter this award incremented, if the rule has a limit. */
  limitKey?: string;
  /** The cap counter (`${rule}|${period}`) this award used, if the earn rule has a cap. */
  capKey?: string;
  /** The lot this award opened (`expire points N months after earning`). */
  lot?: number;
}

/** Points that expire together (SPEC 7, `expire points N months after earning`). */
export interface Lot {
  id: number;
  /** When it was awarded, and when what is left of it expires (ms). */
  at: number;
  exp: number;
  left: number;
}

export interface PendingRequest {
  rule: string;
  /** The action.completed event id. */
  event: string;
  at: string;
  response?: string;
}

export interface WindowState {
  /** The visit.checked_in event that opened it. */
  event: string;
  start: number;
  end: number;
  spend: number;
  points: number;
  unlocked: boolean;
}

export interface MilestoneState {
  tally: number;
  /** Limited programs: index of the current phase (phases.length = all achieved). */
  phase: number;
  achieved: string[];
}

export interface MemberState {
  balance: number;
  paidInvoices: number;
  /** Eligible cents of paid, not voided invoices (member.lifetime_spend). */
  lifetimeSpend: number;
  registered: boolean;
  tags: string[];
  birthday: string | null;
  /** total_spend earn rule name -> lifetime basis in cents. */
  basis: Record<string, number>;
  /** total_spend earn rule name -> points awarded or suppressed, less reversals. */
  settled: Record<string, number>;
  invoices: Record<string, InvoiceRecord>;
  /** `${rule}|${period}` -> awards counted against the rule's limit. */
  limits: Record<string, number>;
  milestones: Record<string, MilestoneState>;
  pending: PendingRequest[];
  /** instant rule name -> the open visit window. */
  windows: Record<string, WindowState>;
  // SPEC 7. All optional: states saved before these existed read as "none yet".
  /** The tier the member last held (absent before their first event under tiers). */
  tier?: string;
  /** `${rule}|${period}` -> points an earn rule's cap has used. */
  caps?: Record<string, number>;
  /** Open lots, earliest expiry first (ties: the earlier award). */
  lots?: Lot[];
  lotSeq?: number;
  /** Last activity (ms) for `expire ... without activity`; null once its expiry has run. */
  lastActivity?: number | null;
  /** Points awarded with `available after` that may not be redeemed yet. */
  unavailable?: { until: number; event: string; rule: string; points: number }[];
  /** `tiers by points`: awards by earn, reward and milestone rules, net of their reversals. */
  tierAwards?: { at: number; event: string; rule: string; points: number }[];
  /** `tiers by visits`: check-in instants (ms). */
  visitTimes?: number[];
  /** Excluded from rewards (SPEC 3, inducement guardrails): facts update, nothing is awarded, redemptions are refused. */
  excluded?: boolean;
}

export interface EngineState {
  members: Record<string, MemberState>;
  /** Event ids already processed: such an event is skipped whole. */
  processed: Record<string, true>;
}

export interface MemberProfile {
  tags?: string[];
  birthday?: string | null;
  registered?: boolean;
  excluded?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Effects: what an event did. A ledger writes award, reversal, redemption and adjustment
// entries; the idempotency key of an award is (event, rule, member).

export type Why =
  | {
      kind: "earn";
      mode: "per_transaction";
      items: "eligible" | "all" | string[];
      basis: number;
      rate: number;
      per: number;
      minimum: number;
    }
  | {
      kind: "earn";
      mode: "total_spend";
      items: "eligible" | "all" | string[];
      basis: number;
      lifetimeBasis: number;
      rate: number;
      per: number;
      settledBefore: number;
    }
  | { kind: "reward"; on: string; accumulate: "yes" | "no" | "better_choice"; recipient: "member" | "referrer" }
  | { kind: "manual"; request: string; response?: string }
  | { kind: "milestone"; perfectSurveys: number; phase?: string };

export interface AwardEffect {
  type: "award";
  event: string;
  member: string;
  rule: string;
  points: number;
  why: Why;
  /** `available after`: the ISO instant from which these points may be redeemed. */
  available?: string;
  /** The tier multiplier applied to an earn rule's points, in hundredths (absent: none). */
  multiplier?: number;
}
/** Points that expired (SPEC 7): a lot's remainder, or the whole balance after inactivity. */
export interface ExpirationEffect {
  type: "expiration";
  /** The event before which it was applied; "" when applied by a sweep (expireDue). */
  event: string;
  member: string;
  /** Negative. */
  points: number;
  /** ISO instant it was due. */
  at: string;
  why: { kind: "lot"; earned: string; awarded: number } | { kind: "inactivity"; lastActivity: string };
}
/** The member's tier for this event differs from the one they last held (SPEC 7). */
export interface TierEffect {
  type: "tier";
  event: string;
  member: string;
  tier: string;
  /** null for the member's first event under tiers. */
  from: string | null;
  /** The qualifying value over the trailing window (cents, points or visit days). */
  value: number;
}
export interface ReversalEffect {
  type: "reversal";
  event: string;
  member: string;
  rule: string;
  points: number;
  reverses: string;
}
export interface CouponEffect {
  type: "coupon";
  event: string;
  member: string;
  rule: string;
  coupon: string;
  expires: string | null;
}
export interface PhaseEffect {
  type: "phase";
  event: string;
  member: string;
  rule: string;
  phase: string;
}
export interface PendingEffect {
  type: "pending";
  event: string;
  member: string;
  rule: string;
  response?: string;
}
/** A pending request left the queue: approved (an award follows), rejected by staff, or over its limit. */
export interface RequestClosedEffect {
  type: "request_closed";
  event: string;
  member: string;
  rule: string;
  request: string;
  outcome: "approved" | "rejected" | "limit_reached";
}
export interface RedemptionEffect {
  type: "redemption";
  event: string;
  member: string;
  points: number;
}
export interface AdjustmentEffect {
  type: "adjustment";
  event: string;
  member: string;
  points: number;
  note?: string;
}
/** invalid_points: a redemption of 0 or fewer points; inactive: a manual reward outside its `during` dates. */
export type RejectReason =
  | "insufficient_points"
  | "program_off"
  /** The member is excluded from rewards (SPEC 3, inducement guardrails). */
  | "excluded"
  | "test_mode"
  | "limit_reached"
  | "invalid_points"
  | "inactive"
  /** SPEC 7: an invoice over $10,000,000, or amounts beyond ±(2^53 − 1); the whole event is refused. */
  | "amount_out_of_range";
export interface RejectedEffect {
  type: "rejected";
  event: string;
  member: string;
  reason: RejectReason;
}

export type Effect =
  | AwardEffect
  | ReversalEffect
  | CouponEffect
  | PhaseEffect
  | PendingEffect
  | RequestClosedEffect
  | RedemptionEffect
  | AdjustmentEffect
  | RejectedEffect
  | ExpirationEffect
  | TierEffect;

export interface EvaluateResult {
  effects: Effect[];
  state: EngineState;
}
