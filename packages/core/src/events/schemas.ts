// The event input: the scenario format of SPEC §6, with member ids being member UUIDs.
import { eventTypes } from "@tally/rules";
import { z } from "zod";

// The event types are the rules language's catalog (one list for the checker, the API and the admin highlighter).
export { type EventType, eventTypes } from "@tally/rules";

/** Dollars as a decimal string ("15.00") or a number; converted to cents only inside the engine. */
const money = z.union([z.string().regex(/^-?(\d+|\d{1,3}(,\d{3})+)(\.\d{1,2})?$/, "a dollar amount like 15.00"), z.number().finite()]);

export const invoiceLine = z.object({ code: z.string().trim().min(1).max(64), amount: money });

export const recordEventInput = z.object({
  /** The source's id for the event: recording it again returns the first outcome. */
  id: z.string().trim().min(1).max(300),
  type: z.enum(eventTypes),
  at: z.iso.datetime({ offset: true }).or(z.date().transform((d) => d.toISOString())),
  /** The source gave only a date; `at` is the importer's timing of it (SPEC 5 step 6). */
  dateOnly: z.literal(true).optional(),
  member: z.uuid(),
  invoice: z.object({ id: z.string().min(1).max(200), lines: z.array(invoiceLine).max(10_000).optional() }).optional(),
  visit: z.object({ method: z.enum(["card", "qr", "phone", "staff"]).optional() }).optional(),
  consent: z.object({ kind: z.string().max(100).optional(), full: z.boolean().optional() }).optional(),
  survey: z.object({ answers: z.array(z.boolean()).max(200).optional() }).optional(),
  referral: z.object({ referrer: z.uuid().optional(), campaign: z.string().max(200).optional() }).optional(),
  review: z.object({ rating: z.number().int().min(1).max(5).optional(), platform: z.string().max(100).optional() }).optional(),
  qr: z.object({ code: z.string().max(200).optional() }).optional(),
  activity: z.object({ kind: z.enum(["contest", "survey", "social_post"]).optional(), id: z.string().max(200).optional() }).optional(),
  action: z.object({ name: z.string().min(1).max(200), response: z.string().max(2000).optional() }).optional(),
  adjustment: z.object({ points: z.number().int().min(-10_000_000).max(10_000_000), note: z.string().max(2000).optional() }).optional(),
  // The engine refuses non-positive redemptions itself (`invalid_points`).
  redemption: z.object({ points: z.number().int().max(10_000_000), reward: z.string().max(200).optional() }).optional(),
});
export type RecordEventInput = z.input<typeof recordEventInput>;
export type EventInput = z.output<typeof recordEventInput>;
