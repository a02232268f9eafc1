// Instant rewards unlocked, announced from the write pipeline itself: whichever door recorded the
// event (kiosk, desk, import, nightly job, integration API), `recordEvents` sends a NOTIFY in its
// transaction, so staff are prompted only for what committed, by any server of the database.
// The API turns each notice into the staff live prompt (apps/api/src/live.ts).

import type { Tx } from "@tally/db";
import { sql } from "drizzle-orm";
import { query } from "../sql.ts";

export const LIVE_CHANNEL = "tally_live";

export interface UnlockNotice {
  practiceId: string;
  memberId: string;
  /** The event's time. */
  at: string;
  coupons: { code: string; expiresAt: string | null }[];
}

/** NOTIFY's payload limit is 8000 bytes: notices go in arrays that stay under it. */
const MAX_PAYLOAD = 7000;

/** Sends the notices with the caller's transaction (delivered when it commits). */
export async function announceUnlocks(tx: Tx, notices: UnlockNotice[]): Promise<void> {
  const payloads: string[] = [];
  let batch: string[] = [];
  let size = 2;
  for (const n of notices) {
    const text = JSON.stringify(n);
    if (text.length + 2 > MAX_PAYLOAD) continue; // a notice this large names hundreds of coupons: no prompt could show it
    if (size + text.length + 1 > MAX_PAYLOAD) {
      payloads.push(`[${batch.join(",")}]`);
      batch = [];
      size = 2;
    }
    batch.push(text);
    size += text.length + 1;
  }
  if (batch.length > 0) payloads.push(`[${batch.join(",")}]`);
  for (const payload of payloads) await query(tx, sql`select pg_notify(${LIVE_CHANNEL}, ${payload})`);
}

/** The notices of one NOTIFY payload (nothing for a payload this version did not send). */
export function readNotices(payload: string): UnlockNotice[] {
  try {
    const list = JSON.parse(payload) as unknown;
    return Array.isArray(list)
      ? list.filter(
          (n): n is UnlockNotice =>
            typeof n === "object" &&
            n !== null &&
            typeof n.practiceId === "string" &&
            typeof n.memberId === "string" &&
            Array.isArray(n.coupons),
        )
      : [];
  } catch {
    return [];
  }
}
