// Patient import: rows of a practice-management export (the CSV upload) or one patient (the
// integration API's PUT /api/v1/members/{pmsId}) become members. One plan, two uses: the dry run
// shows it, the import carries it out.
//   - A row updates an existing member only by PMS id (members.external_id); otherwise it creates one.
//   - A row whose email, or phone + birth date, matches another member (a different or no PMS id,
//     or another row of the file) also becomes a suggested merge for staff to review
//     (merge_suggestions, one per pair) — never an automatic merge: families share emails and
//     phones, twins share birth dates.
//   - Exactly once: an update writes only what differs, a pair is suggested once (also after staff
//     merged or kept it apart), a PMS id a reviewed merge retired is skipped; the same file twice
//     changes nothing.
//   - A bad row is reported with its line number (the header is line 1) and skips only itself.
// Empty optional fields keep what the member has; tags are added to the member's, never removed.

import { memberBalances, members, mergeSuggestions, type Tx } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { authorize } from "../permissions.ts";
import { jsonRows, query } from "../sql.ts";
import { audit, inTx } from "../verb.ts";
import { enqueueWebhooks } from "../webhooks/outbox.ts";
import { normalizedTags } from "./create-member.ts";
import { type CheckedPatient, checkPatientRow, type RawPatient } from "./patient-rows.ts";
import { publicMember } from "./shared.ts";

/** A row as read: its line in the file (or 1 for an API call) and raw values. */
export interface PatientRowInput {
  row: number;
  raw: RawPatient;
}

type Stored = "firstName" | "lastName" | "email" | "phone" | "birthday" | "cardNumber" | "tags";

interface Known {
  id: string;
  externalId: string | null;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  birthday: string | null;
  cardNumber: string | null;
  tags: string[];
}

export interface PlannedRow {
  row: number;
  pmsId: string;
  name: string;
  /** Fields an update changes (people's words: "email", "phone", ...). */
  changes?: string[];
}

export interface PlannedSuggestion {
  row: number;
  pmsId: string;
  name: string;
  /** The record it matched: a member, or another row of the file. */
  match: { name: string; pmsId: string | null; row: number | null; memberId: string | null };
  reason: "email" | "phone and birth date";
}

export interface PatientImportSummary {
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Rows whose PMS id staff merged into another record (not imported again). */
  skipped: number;
  suggested: number;
  rejected: number;
  /** The first 1,000 of each list, in file order. */
  createdRows: PlannedRow[];
  updatedRows: PlannedRow[];
  skippedRows: { row: number; pmsId: string; message: string }[];
  suggestions: PlannedSuggestion[];
  errors: { row: number; message: string }[];
}

const LISTED = 1000;
/** Rows per lookup query and per write transaction. */
const CHUNK = 2000;
/** Rows per lookup of the members they touch or match. */
const LOOKUP_CHUNK = 10_000;
/** The share of the progress bar the plan takes (the lookups), the rest is the writes. */
const PLAN_SHARE = 0.3;

const fieldWords: Record<Stored, string> = {
  firstName: "first name",
  lastName: "last name",
  email: "email",
  phone: "phone",
  birthday: "birth date",
  cardNumber: "card number",
  tags: "tags",
};

/** Where a row leaves its member: the row's values, empty optional fields keeping the member's. */
function after(known: Known | undefined, p: CheckedPatient): Omit<Known, "id" | "externalId"> {
  return {
    firstName: p.firstName,
    lastName: p.lastName,
    email: p.email ?? known?.email ?? null,
    phone: p.phone ?? known?.phone ?? null,
    birthday: p.birthDate ?? known?.birthday ?? null,
    cardNumber: p.cardNumber ?? known?.cardNumber ?? null,
    tags: normalizedTags([...(known?.tags ?? []), ...p.tags]),
  };
}

function changesOf(known: Known, next: Omit<Known, "id" | "externalId">): Stored[] {
  const out: Stored[] = [];
  for (const k of ["firstName", "lastName", "email", "phone", "birthday", "cardNumber"] as const) if (known[k] !== next[k]) out.push(k);
  if (next.tags.length !== known.tags.length || next.tags.some((t, i) => t !== known.tags[i])) out.push("tags");
  return out;
}

const anyOf = (values: Iterable<string>) => sql`any(array(select jsonb_array_elements_text(${JSON.stringify([...values])}::jsonb)))`;

/** Members (not merged) of the practice holding any of these PMS ids, cards, emails or phones:
 *  one index scan per kind of key (a union; an OR of the four would scan the table). */
async function lookUp(
  db: Tx | Ctx["db"],
  ctx: Ctx,
  keys: { pmsIds: Set<string>; cards: Set<string>; emails: Set<string>; phones: Set<string> },
): Promise<Known[]> {
  const parts = (
    [
      ["external_id", keys.pmsIds],
      ["card_number", keys.cards],
      ["email", keys.emails],
      ["phone", keys.phones],
    ] as const
  )
    .filter(([, values]) => values.size > 0)
    .map(
      ([column, values]) =>
        sql`select id, external_id as "externalId", first_name as "firstName", last_name as "lastName", email, phone,
              birthday::text as birthday, card_number as "cardNumber", tags
            from members
            where practice_id = ${ctx.practiceId} and status <> 'merged' and ${sql.raw(column)} = ${anyOf(values)}`,
    );
  if (parts.length === 0) return [];
  return query<Known>(db, sql.join(parts, sql` union `));
}

interface Planned {
  summary: PatientImportSummary;
  creates: { row: number; p: CheckedPatient }[];
  updates: { row: number; p: CheckedPatient; id: string }[];
  /** Suggestions with their records as refs: a member id, or `new:<pmsId>` for a row creating one. */
  pairs: { row: number; a: string; b: string; reason: PlannedSuggestion["reason"] }[];
}

const refOf = (id: string | undefined, pmsId: string) => id ?? `new:${pmsId}`;
const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

/** What the rows would do, against the database as it is now (nothing is written). */
export async function planPatientRows(
  ctx: Ctx,
  input: PatientRowInput[],
  options: { dryRun: boolean; onProgress?: (done: number, total: number) => void },
): Promise<Planned> {
  const summary: PatientImportSummary = {
    dryRun: options.dryRun,
    rows: input.length,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    suggested: 0,
    rejected: 0,
    createdRows: [],
    updatedRows: [],
    skippedRows: [],
    suggestions: [],
    errors: [],
  };
  const reject = (row: number, message: string) => {
    summary.rejected++;
    if (summary.errors.length < LISTED) summary.errors.push({ row, message });
  };

  // 1. The rule table, then repeats inside the file (the first row of a PMS id or card wins).
  const today = new Date().toISOString().slice(0, 10);
  const valid: { row: number; p: CheckedPatient }[] = [];
  const pmsRow = new Map<string, number>();
  const cardRow = new Map<string, number>();
  for (const { row, raw } of input) {
    const { problems, patient: p } = checkPatientRow(raw, today);
    if (!p) {
      reject(row, problems.join("; "));
      continue;
    }
    const seen = pmsRow.get(p.pmsId);
    if (seen !== undefined) {
      reject(row, `PMS id ${p.pmsId} repeats row ${seen}`);
      continue;
    }
    const cardSeen = p.cardNumber ? cardRow.get(p.cardNumber) : undefined;
    if (cardSeen !== undefined) {
      reject(row, `card number ${p.cardNumber} repeats row ${cardSeen}`);
      continue;
    }
    pmsRow.set(p.pmsId, row);
    if (p.cardNumber) cardRow.set(p.cardNumber, row);
    valid.push({ row, p });
  }

  // 2. The members these rows touch or match, a chunk of rows per query.
  const known = new Map<string, Known>();
  for (let i = 0; i < valid.length; i += LOOKUP_CHUNK) {
    options.onProgress?.(Math.round(((PLAN_SHARE * i) / valid.length) * input.length), input.length);
    const keys = { pmsIds: new Set<string>(), cards: new Set<string>(), emails: new Set<string>(), phones: new Set<string>() };
    for (const { p } of valid.slice(i, i + LOOKUP_CHUNK)) {
      keys.pmsIds.add(p.pmsId);
      if (p.cardNumber) keys.cards.add(p.cardNumber);
      if (p.email) keys.emails.add(p.email);
      if (p.phone) keys.phones.add(p.phone);
    }
    for (const m of await lookUp(ctx.db, ctx, keys)) known.set(m.id, m);
  }
  const byPms = new Map<string, Known>();
  const byCard = new Map<string, Known>();
  for (const m of known.values()) {
    if (m.externalId) byPms.set(m.externalId, m);
    if (m.cardNumber) byCard.set(m.cardNumber, m);
  }
  // PMS ids of duplicates staff merged (a reviewed suggestion, or a merge from the profile whose
  // duplicate keeps its id and points at the survivor): the survivor is found, the rows are skipped.
  const retired = new Map<string, string>();
  const unknown = valid.filter(({ p }) => !byPms.has(p.pmsId)).map(({ p }) => p.pmsId);
  for (let i = 0; i < unknown.length; i += CHUNK * 5) {
    const rows = await query<{ pmsId: string; name: string }>(
      ctx.db,
      sql`select s.retired_external_id as "pmsId", m.first_name || ' ' || m.last_name as name
          from merge_suggestions s join members m on m.practice_id = s.practice_id and m.id = s.survivor_id
          where s.practice_id = ${ctx.practiceId} and s.status = 'merged'
            and s.retired_external_id = ${anyOf(unknown.slice(i, i + CHUNK * 5))}
          union all
          select d.external_id as "pmsId", m.first_name || ' ' || m.last_name as name
          from members d join members m on m.practice_id = d.practice_id and m.id = d.merged_into_id
          where d.practice_id = ${ctx.practiceId} and d.status = 'merged'
            and d.external_id = ${anyOf(unknown.slice(i, i + CHUNK * 5))}`,
    );
    for (const r of rows) retired.set(r.pmsId, r.name);
  }

  // 3. Each row: create, update, unchanged, skipped or rejected (a card another member holds).
  const planned: Planned = { summary, creates: [], updates: [], pairs: [] };
  const kept: { row: number; p: CheckedPatient; ref: string; next: Omit<Known, "id" | "externalId"> }[] = [];
  for (const { row, p } of valid) {
    const target = byPms.get(p.pmsId);
    const holder = p.cardNumber ? byCard.get(p.cardNumber) : undefined;
    const name = `${p.firstName} ${p.lastName}`;
    if (!target && retired.has(p.pmsId)) {
      summary.skipped++;
      if (summary.skippedRows.length < LISTED)
        summary.skippedRows.push({ row, pmsId: p.pmsId, message: `merged into ${retired.get(p.pmsId)} by staff; not imported again` });
      continue;
    }
    if (holder && holder.id !== target?.id) {
      reject(row, `card number ${p.cardNumber} belongs to another member (${holder.firstName} ${holder.lastName})`);
      continue;
    }
    const next = after(target, p);
    if (target) {
      const changes = changesOf(target, next);
      if (changes.length === 0) summary.unchanged++;
      else {
        summary.updated++;
        planned.updates.push({ row, p, id: target.id });
        if (summary.updatedRows.length < LISTED)
          summary.updatedRows.push({ row, pmsId: p.pmsId, name, changes: changes.map((c) => fieldWords[c]) });
      }
    } else {
      summary.created++;
      planned.creates.push({ row, p });
      if (summary.createdRows.length < LISTED) summary.createdRows.push({ row, pmsId: p.pmsId, name });
    }
    kept.push({ row, p, ref: refOf(target?.id, p.pmsId), next });
  }

  // 4. Suggested merges: each row against the members it does not update and the earlier rows,
  //    with everyone's details as they will be after the import.
  type Party = { ref: string; name: string; pmsId: string | null; row: number | null; memberId: string | null };
  const byEmail = new Map<string, Party[]>();
  const byPhoneBirth = new Map<string, Party[]>();
  const add = (map: Map<string, Party[]>, key: string | null, party: Party) => {
    if (!key) return;
    const list = map.get(key);
    if (list) list.push(party);
    else map.set(key, [party]);
  };
  const phoneBirth = (phone: string | null, birthday: string | null) => (phone && birthday ? `${phone}|${birthday}` : null);
  const inFile = new Set(kept.map((k) => k.ref));
  for (const m of known.values()) {
    if (inFile.has(m.id)) continue;
    const party = { ref: m.id, name: `${m.firstName} ${m.lastName}`, pmsId: m.externalId, row: null, memberId: m.id };
    add(byEmail, m.email, party);
    add(byPhoneBirth, phoneBirth(m.phone, m.birthday), party);
  }
  const seenPairs = new Set<string>();
  const pairs: (Planned["pairs"][number] & { view: PlannedSuggestion })[] = [];
  for (const k of kept) {
    const me: Party = {
      ref: k.ref,
      name: `${k.p.firstName} ${k.p.lastName}`,
      pmsId: k.p.pmsId,
      row: k.row,
      memberId: k.ref.startsWith("new:") ? null : k.ref,
    };
    const candidates: [Party, PlannedSuggestion["reason"]][] = [
      ...(byEmail.get(k.next.email ?? "") ?? []).map((c): [Party, PlannedSuggestion["reason"]] => [c, "email"]),
      ...(byPhoneBirth.get(phoneBirth(k.next.phone, k.next.birthday) ?? "") ?? []).map((c): [Party, PlannedSuggestion["reason"]] => [
        c,
        "phone and birth date",
      ]),
    ];
    for (const [other, reason] of candidates) {
      const key = pairKey(me.ref, other.ref);
      if (other.ref === me.ref || seenPairs.has(key)) continue;
      seenPairs.add(key);
      const { ref: _ref, ...match } = other;
      pairs.push({ row: k.row, a: me.ref, b: other.ref, reason, view: { row: k.row, pmsId: k.p.pmsId, name: me.name, match, reason } });
    }
    add(byEmail, k.next.email, me);
    add(byPhoneBirth, phoneBirth(k.next.phone, k.next.birthday), me);
  }
  // Pairs of two existing members suggested before (open, merged or kept apart) stay as they are.
  const existingPairs = pairs.filter((s) => !s.a.startsWith("new:") && !s.b.startsWith("new:")).map((s) => pairKey(s.a, s.b));
  const before = new Set<string>();
  for (let i = 0; i < existingPairs.length; i += CHUNK * 5) {
    const rows = await query<{ pairKey: string }>(
      ctx.db,
      sql`select pair_key as "pairKey" from merge_suggestions
          where practice_id = ${ctx.practiceId} and pair_key = ${anyOf(existingPairs.slice(i, i + CHUNK * 5))}`,
    );
    for (const r of rows) before.add(r.pairKey);
  }
  const fresh = pairs.filter((s) => !before.has(pairKey(s.a, s.b)));
  planned.pairs = fresh.map(({ view: _view, ...pair }) => pair);
  summary.suggestions = fresh.slice(0, LISTED).map((s) => s.view);
  summary.suggested = planned.pairs.length;
  options.onProgress?.(Math.round(PLAN_SHARE * input.length), input.length);
  return planned;
}

type Row = Omit<Known, "id" | "externalId">;
const asJson = (r: Row) => ({
  first_name: r.firstName,
  last_name: r.lastName,
  email: r.email,
  phone: r.phone,
  birthday: r.birthday,
  card_number: r.cardNumber,
  tags: r.tags,
});

/** Carries out a plan: members created and updated a chunk per transaction, then the suggestions. */
export async function applyPatientPlan(
  ctx: Ctx,
  planned: Planned,
  options: { source: string; onProgress?: (done: number, total: number) => void },
): Promise<{ summary: PatientImportSummary; ids: Map<string, string> }> {
  const { summary } = planned;
  const ids = new Map<string, string>();
  type Work = { row: number; p: CheckedPatient; id?: string };
  const work: Work[] = [...planned.creates, ...planned.updates].sort((a, b) => a.row - b.row);
  for (let i = 0; i < work.length; i += CHUNK) {
    const chunk = work.slice(i, i + CHUNK);
    await ctx.db.transaction(async (tx) => {
      // One patient-import chunk of a practice at a time: two imports of one file would otherwise
      // insert the same new records in one order and lock them in another (a deadlock).
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`patient-import:${ctx.practiceId}`}))`);
      // The members as they are now, locked: another import or API call may have changed them
      // (or created them) since the plan.
      const lock = async (pmsIds: string[]) =>
        new Map(
          (
            await query<Known>(
              tx,
              sql`select id, external_id as "externalId", first_name as "firstName", last_name as "lastName", email, phone,
                    birthday::text as birthday, card_number as "cardNumber", tags
                  from members where practice_id = ${ctx.practiceId} and external_id = ${anyOf(pmsIds)}
                  order by id for update`,
            )
          ).map((m) => [m.externalId!, m]),
        );
      const current = await lock(chunk.map((w) => w.p.pmsId));
      const inserts = chunk.filter((w) => !current.has(w.p.pmsId));
      const created = inserts.length
        ? await query<{ id: string; externalId: string }>(
            tx,
            sql`insert into members (practice_id, external_id, first_name, last_name, email, phone, birthday, card_number, tags)
                select ${ctx.practiceId}, v.external_id, v.first_name, v.last_name, v.email, v.phone, v.birthday::date, v.card_number,
                       array(select jsonb_array_elements_text(v.tags))
                from jsonb_to_recordset(${jsonRows(inserts.map((w) => ({ external_id: w.p.pmsId, ...asJson(after(undefined, w.p)) })))})
                  as v(external_id text, first_name text, last_name text, email text, phone text, birthday text, card_number text, tags jsonb)
                on conflict do nothing
                returning id, external_id as "externalId"`,
          )
        : [];
      if (created.length > 0)
        await tx
          .insert(memberBalances)
          .values(created.map((m) => ({ memberId: m.id, practiceId: ctx.practiceId, balance: 0 })))
          .onConflictDoNothing();
      const made = new Set(created.map((m) => m.externalId));
      for (const m of created) ids.set(m.externalId, m.id);
      // Not inserted: a concurrent import or call created the PMS id just now (then this row
      // updates it), or another member holds the card.
      const raced = await lock(inserts.filter((w) => !made.has(w.p.pmsId)).map((w) => w.p.pmsId));
      for (const [pmsId, m] of raced) current.set(pmsId, m);
      for (const w of inserts) {
        if (made.has(w.p.pmsId) || current.has(w.p.pmsId)) continue;
        summary.created--;
        summary.rejected++;
        summary.createdRows = summary.createdRows.filter((r) => r.row !== w.row);
        if (summary.errors.length < LISTED)
          summary.errors.push({ row: w.row, message: `card number ${w.p.cardNumber} was just given to another member` });
      }
      const updates: ({ id: string } & ReturnType<typeof asJson>)[] = [];
      for (const w of chunk) {
        const m = current.get(w.p.pmsId);
        if (!m) continue;
        ids.set(w.p.pmsId, m.id);
        const next = after(m, w.p);
        const changes = changesOf(m, next);
        const plannedUpdate = w.id !== undefined;
        // Counts follow what this row does now, not what the plan expected.
        if (!plannedUpdate) {
          summary.created--;
          summary.createdRows = summary.createdRows.filter((r) => r.row !== w.row);
        }
        if (changes.length > 0) {
          updates.push({ id: m.id, ...asJson(next) });
          if (!plannedUpdate) {
            summary.updated++;
            if (summary.updatedRows.length < LISTED)
              summary.updatedRows.push({
                row: w.row,
                pmsId: w.p.pmsId,
                name: `${w.p.firstName} ${w.p.lastName}`,
                changes: changes.map((c) => fieldWords[c]),
              });
          }
        } else {
          summary.unchanged++;
          if (plannedUpdate) {
            summary.updated--;
            summary.updatedRows = summary.updatedRows.filter((r) => r.row !== w.row);
          }
        }
      }
      if (updates.length > 0)
        await tx.execute(sql`
          update members m set first_name = v.first_name, last_name = v.last_name, email = v.email, phone = v.phone,
            birthday = v.birthday::date, card_number = v.card_number, tags = array(select jsonb_array_elements_text(v.tags)),
            updated_at = now()
          from jsonb_to_recordset(${jsonRows(updates)})
            as v(id uuid, first_name text, last_name text, email text, phone text, birthday text, card_number text, tags jsonb)
          where m.id = v.id and m.practice_id = ${ctx.practiceId}`);
    });
    const done = Math.min(1, (i + chunk.length) / work.length);
    options.onProgress?.(Math.round((PLAN_SHARE + (1 - PLAN_SHARE) * done) * summary.rows), summary.rows);
  }
  summary.errors.sort((a, b) => a.row - b.row);

  if (planned.pairs.length > 0) {
    const missing = planned.pairs.flatMap((s) => [s.a, s.b]).filter((r) => r.startsWith("new:") && !ids.has(r.slice(4)));
    if (missing.length > 0) {
      const rows = await query<{ id: string; externalId: string }>(
        ctx.db,
        sql`select id, external_id as "externalId" from members
            where practice_id = ${ctx.practiceId} and external_id = ${anyOf(new Set(missing.map((r) => r.slice(4))))}`,
      );
      for (const r of rows) ids.set(r.externalId, r.id);
    }
    const idOf = (ref: string) => (ref.startsWith("new:") ? ids.get(ref.slice(4)) : ref);
    const values = planned.pairs
      .map((s) => ({ memberId: idOf(s.a), otherId: idOf(s.b), row: s.row, reason: s.reason }))
      .filter(
        (s): s is { memberId: string; otherId: string; row: number; reason: PlannedSuggestion["reason"] } => !!s.memberId && !!s.otherId,
      )
      .map((s) => ({ ...s, practiceId: ctx.practiceId, pairKey: pairKey(s.memberId, s.otherId), source: options.source }));
    let added = 0;
    for (let i = 0; i < values.length; i += CHUNK) {
      const rows = await ctx.db
        .insert(mergeSuggestions)
        .values(values.slice(i, i + CHUNK))
        .onConflictDoNothing()
        .returning({ id: mergeSuggestions.id });
      added += rows.length;
    }
    summary.suggested = added;
  }
  options.onProgress?.(summary.rows, summary.rows);
  return { summary, ids };
}

/** Plans and, unless a dry run, imports rows read from a file (the caller checked the role). */
export async function importPatientRows(
  ctx: Ctx,
  rows: PatientRowInput[],
  options: { dryRun: boolean; source: string; fileName?: string; onProgress?: (done: number, total: number) => void },
): Promise<PatientImportSummary> {
  authorize(ctx, "members.import");
  const planned = await planPatientRows(ctx, rows, options);
  if (options.dryRun) return planned.summary;
  const { summary } = await applyPatientPlan(ctx, planned, options);
  await inTx(ctx, (tx) =>
    audit(tx, ctx, {
      action: "members.import",
      targetType: "practice",
      targetId: ctx.practiceId,
      details: {
        source: options.source,
        fileName: options.fileName ?? null,
        rows: summary.rows,
        created: summary.created,
        updated: summary.updated,
        unchanged: summary.unchanged,
        skipped: summary.skipped,
        suggested: summary.suggested,
        rejected: summary.rejected,
      },
    }),
  );
  return summary;
}

/** The integration API's upsert of one patient by PMS id (PUT /api/v1/members/{pmsId}). */
export async function upsertPatient({ ctx, input }: { ctx: Ctx; input: { pmsId: string } & Partial<Record<string, unknown>> }) {
  authorize(ctx, "members.import");
  const str = (v: unknown) => (v == null ? "" : typeof v === "string" ? v : typeof v === "number" ? String(v) : "\u0000");
  const raw: RawPatient = {
    pmsId: str(input.pmsId),
    firstName: str(input.firstName),
    lastName: str(input.lastName),
    email: str(input.email),
    phone: str(input.phone),
    birthDate: str(input.birthDate ?? input.birthday),
    cardNumber: str(input.cardNumber),
    tags: Array.isArray(input.tags) ? input.tags.map(str).join(";") : str(input.tags),
  };
  const { problems } = checkPatientRow(raw);
  if (problems.length > 0) throw new DomainError("INVALID_INPUT", `${problems.join("; ")}.`, { problems });
  const planned = await planPatientRows(ctx, [{ row: 1, raw }], { dryRun: false });
  const s = planned.summary;
  if (s.skipped > 0) throw new DomainError("CONFLICT", `PMS id ${raw.pmsId} was ${s.skippedRows[0]!.message}.`);
  if (s.rejected > 0) throw new DomainError("CONFLICT", `${s.errors[0]!.message}.`);
  const { summary } = await applyPatientPlan(ctx, planned, { source: "api" });
  if (summary.rejected > 0) throw new DomainError("CONFLICT", `${summary.errors[0]!.message}.`);
  const outcome = summary.created ? "created" : summary.updated ? "updated" : "unchanged";
  const [m] = await ctx.db
    .select()
    .from(members)
    .where(and(eq(members.practiceId, ctx.practiceId), eq(members.externalId, raw.pmsId.trim())));
  if (outcome !== "unchanged")
    await inTx(ctx, async (tx) => {
      await audit(tx, ctx, {
        action: `members.${outcome === "created" ? "create" : "update"}`,
        targetType: "member",
        targetId: m!.id,
        details: { source: "api", pmsId: raw.pmsId, changes: summary.updatedRows[0]?.changes ?? null },
      });
      await enqueueWebhooks(tx, ctx.practiceId, [
        {
          type: outcome === "created" ? "member.created" : "member.updated",
          memberId: m!.id,
          data: { member: publicMember(m!), changes: summary.updatedRows[0]?.changes ?? [] },
        },
      ]);
    });
  return {
    outcome,
    changes: summary.updatedRows[0]?.changes ?? [],
    suggestions: summary.suggestions.map((x) => ({ match: x.match, reason: x.reason })),
    member: publicMember(m!),
  };
}
