// Kiosk identification for many check-ins at once (the kiosk batcher): per item, whether the
// device or the person tried is locked, and the live member the card or QR code names. Anything
// that needs counting an attempt (an unknown card, a person with failed attempts to clear) is
// answered `single`: `identifyAtKiosk` does it one by one, with its atomic attempt counters.

import type { Tx } from "@tally/db";
import { sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import type { EarningMember } from "../events/record-events.ts";
import { jsonRows, query } from "../sql.ts";
import { cardOf, type KioskIdentifyInput, kioskPersonSubject, refusedCard } from "./kiosk-identify.ts";
import { readMemberQrToken } from "./tokens.ts";

export interface IdentifyItem {
  input: KioskIdentifyInput;
  at: Date;
  qrSecret: string;
  /** Set when the patient was identified already (phone and birth date go one by one). */
  memberId?: string;
}

export type Identified =
  | {
      status: "found";
      memberId: string;
      lead: boolean;
      firstName: string;
      lastName: string;
      /** What the pipeline reads of the member (saves it reading the row again). */
      member: EarningMember;
    }
  | { status: "locked" }
  /** Unknown, or earlier failed attempts to clear: `identifyAtKiosk` must see it. */
  | { status: "single" };

const truthy = (value: unknown) => value === true || value === "t" || value === "true";

export async function identifyMany(db: Tx | Ctx["db"], ctx: Ctx, items: IdentifyItem[]): Promise<Identified[]> {
  const { practiceId } = ctx;
  const device = ctx.actor.id;
  const lookups = items.map((item, i) => {
    if (item.memberId) return { i, subject: null, card: null, member_id: item.memberId, at: item.at.toISOString() };
    const qrMember = item.input.method === "qr" ? readMemberQrToken(item.qrSecret, practiceId, item.input.token) : null;
    return {
      i,
      subject: kioskPersonSubject(practiceId, item.input),
      // The single path's normaliser; a card refused by its check digit is looked up by no one
      // (answered `single`: identifyAtKiosk counts it against the device).
      card: item.input.method === "card" && !refusedCard(item.input) ? cardOf(item.input.cardNumber) : null,
      member_id: qrMember,
      at: item.at.toISOString(),
    };
  });
  const rows = await query<{
    i: number;
    id: string | null;
    status: string | null;
    first_name: string | null;
    last_name: string | null;
    tags: unknown;
    birthday: string | null;
    registered: unknown;
    excluded: unknown;
    locked: unknown;
    failures: unknown;
  }>(
    db,
    sql`with x as (select * from jsonb_to_recordset(${jsonRows(lookups)}) as x(i int, subject text, card text, member_id uuid, at timestamptz))
        select x.i, m.id, m.status, m.first_name, m.last_name, to_jsonb(m.tags) as tags, m.birthday::text as birthday, m.registered,
               m.excluded_from_rewards as excluded,
               x.subject is not null and (coalesce(l.locked_until > x.at, false) or exists (
                 select 1 from auth_lockouts d where d.scope = 'kiosk_device' and d.subject = ${device} and d.locked_until > x.at)) as locked,
               coalesce(l.failures > 0, false) as failures
        from x
        left join auth_lockouts l on x.subject is not null and l.scope = 'kiosk_subject' and l.subject = x.subject
        left join lateral (
          (select id, status, first_name, last_name, tags, birthday, registered, excluded_from_rewards from members
            where practice_id = ${practiceId}::uuid and card_number = x.card and status <> 'merged' limit 1)
          union all
          (select id, status, first_name, last_name, tags, birthday, registered, excluded_from_rewards from members
            where practice_id = ${practiceId}::uuid and id = x.member_id and status <> 'merged')
          limit 1
        ) m on true`,
  );
  const out: Identified[] = items.map(() => ({ status: "single" }));
  for (const r of rows) {
    const i = Number(r.i);
    if (truthy(r.locked)) out[i] = { status: "locked" };
    else if (r.id && !truthy(r.failures)) {
      const tags = (typeof r.tags === "string" ? JSON.parse(r.tags) : r.tags) as string[];
      const status = r.status as EarningMember["status"];
      out[i] = {
        status: "found",
        memberId: r.id,
        lead: status === "lead",
        firstName: r.first_name!,
        lastName: r.last_name!,
        member: {
          id: r.id,
          status,
          mergedIntoId: null,
          tags,
          birthday: r.birthday,
          registered: truthy(r.registered),
          excludedFromRewards: truthy(r.excluded),
        },
      };
    }
  }
  return out;
}
