// Input rules every verb's zod schema shares at the boundary: real calendar dates, text without
// NUL bytes (PostgreSQL refuses them in text, so they would surface as a 500), points in range.
import { z } from "zod";

/** The most points one call may add or take: the same limit as ledger.adjustPoints. */
export const MAX_POINTS = 10_000_000;

const isoDateShape = /^\d{4}-\d{2}-\d{2}$/;

/** A YYYY-MM-DD that exists on the calendar: `1990-02-31` and `2023-02-29` are refused. */
export const calendarDate = () =>
  z
    .string()
    .regex(isoDateShape, "Use a date like 1990-04-30 (YYYY-MM-DD).")
    .refine((s) => {
      const [y, m, d] = s.split("-").map(Number) as [number, number, number];
      const date = new Date(Date.UTC(y, m - 1, d));
      return y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
    }, "That date does not exist on the calendar (check the day and month).");

/** Text without NUL bytes (they cannot be stored and are never typed by a person). */
export const text = () => z.string().refine((s) => !s.includes("\u0000"), "Text must not contain NUL characters.");

/** Whole points within ±MAX_POINTS. */
export const points = () => z.number().int("Points are whole numbers.").min(-MAX_POINTS).max(MAX_POINTS);
