// What a compiled condition reads: one context per event (and member), with the expensive
// facts (local date, invoice totals) computed only when a rule asks for them.

import type { LocalClock } from "../time.ts";
import type { EngineEvent, InvoiceLine, MemberState, WindowState } from "./types.ts";

export interface InvoiceFacts {
  id: string;
  total: number;
  eligible: number;
  lines: readonly InvoiceLine[];
  codes: string[] | null;
  /** Sum and largest of the lines' absolute amounts (range checks). */
  absSum: number;
  absMax: number;
}

export class EvalContext {
  event: EngineEvent;
  member: MemberState;
  pointsBefore: number;
  invoice: InvoiceFacts | null;
  window: WindowState | null = null;
  private clock: LocalClock;
  private ms = Number.NaN;
  private day: string | null = null;

  constructor(event: EngineEvent, member: MemberState, invoice: InvoiceFacts | null, clock: LocalClock) {
    this.event = event;
    this.member = member;
    this.pointsBefore = member.balance;
    this.invoice = invoice;
    this.clock = clock;
  }

  get at(): number {
    if (Number.isNaN(this.ms)) this.ms = Date.parse(this.event.at);
    return this.ms;
  }

  /** The event's date in the practice timezone, "YYYY-MM-DD". */
  get date(): string {
    this.day ??= this.clock.date(this.at);
    return this.day;
  }

  /** The event's hour (0-23) in the practice timezone. */
  get hour(): number {
    return this.clock.hour(this.at);
  }

  codes(): string[] {
    const inv = this.invoice;
    if (!inv) return [];
    if (!inv.codes) inv.codes = [...new Set(inv.lines.map((l) => l.code))];
    return inv.codes;
  }
}
