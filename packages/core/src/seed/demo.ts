// The demo practice that `npm start` seeds on first run: "Bright Smiles Orthodontics" with staff
// and members, and a second small practice that proves tenants never see each other.
// Deterministic (seeded PRNG) so screenshots and tests see the same data every time, except the
// rewards-card numbers: a card identifies a patient at the kiosk, so every seed draws new ones
// (newCardNumber, node:crypto); tests look a member's card up by name or external id. The full
// demo (seed/program.ts) adds the rule set, catalog, engagement and a year of events, recorded
// through the event pipeline so every ledger line is real.

import { type Db, installation, locations, memberBalances, members, practiceSecurity, practices, staffUsers } from "@tally/db";
import { eq } from "drizzle-orm";
import { newCardNumber } from "../members/card-number.ts";
import { hashPassword } from "../passwords.ts";
import { seedProgram, seedVetProgram } from "./program.ts";

export const demoLogins = [
  { practice: "bright-smiles", email: "admin@brightsmiles.test", password: "demo-admin-2026", role: "admin" },
  { practice: "bright-smiles", email: "team@brightsmiles.test", password: "demo-team-2026", role: "team_member" },
  { practice: "paws-claws", email: "admin@pawsclaws.test", password: "demo-vet-2026", role: "admin" },
] as const;

const firstNames = [
  "Ana",
  "Liam",
  "Olivia",
  "Noah",
  "Emma",
  "Mateo",
  "Ava",
  "Elijah",
  "Sofia",
  "Lucas",
  "Mia",
  "Ethan",
  "Isabella",
  "James",
  "Camila",
  "Benjamin",
  "Harper",
  "Diego",
  "Amelia",
  "Henry",
  "Valentina",
  "Jack",
  "Evelyn",
  "Samuel",
  "Luna",
  "Daniel",
  "Chloe",
  "Gabriel",
  "Aria",
  "Owen",
  "Zoe",
  "Leo",
  "Nora",
  "Julian",
  "Layla",
  "Wyatt",
  "Priya",
  "Kai",
  "Maya",
  "Theo",
];
const lastNames = [
  "Bell",
  "Garcia",
  "Nguyen",
  "Smith",
  "Johnson",
  "Martinez",
  "Brown",
  "Lopez",
  "Davis",
  "Wilson",
  "Anderson",
  "Thomas",
  "Hernandez",
  "Moore",
  "Jackson",
  "Lee",
  "Perez",
  "Thompson",
  "White",
  "Harris",
  "Sanchez",
  "Clark",
  "Ramirez",
  "Lewis",
  "Robinson",
  "Walker",
  "Young",
  "Allen",
  "King",
  "Wright",
  "Scott",
  "Torres",
  "Patel",
  "Hill",
  "Flores",
];
const tagSets = [["braces"], ["aligners"], ["retainer"], ["braces", "vip"], ["aligners", "vip"], [], ["retainer"], ["braces"]];

/** Mulberry32: a tiny deterministic PRNG so the demo data is the same on every machine. */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeedResult {
  seeded: boolean;
  practiceIds: Record<string, string>;
}

export interface SeedOptions {
  /** Members of the demo practice (default 200). */
  members?: number;
  /**
   * "full": the published rule set, catalog, engagement and a year of events through the pipeline;
   * "minimal": practices, staff and members only (fast, for API tests that build their own program).
   * Default: "full" when `members` is not given (what `npm start` does), else "minimal".
   */
  content?: "full" | "minimal";
  /** The seeded year ends here (default: the current time). */
  now?: Date;
}

/** Seeds the demo practices unless they already exist (first run only). */
export async function seedDemo(db: Db, options: SeedOptions = {}): Promise<SeedResult> {
  const existing = await db.select({ id: practices.id, slug: practices.slug }).from(practices).where(eq(practices.slug, "bright-smiles"));
  if (existing.length > 0) {
    const all = await db.select({ id: practices.id, slug: practices.slug }).from(practices);
    return { seeded: false, practiceIds: Object.fromEntries(all.map((p) => [p.slug, p.id])) };
  }
  const rand = prng(20260101);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)] as T;

  const [bright] = await db
    .insert(practices)
    .values({
      slug: "bright-smiles",
      name: "Bright Smiles Orthodontics",
      timezone: "America/Chicago",
      status: "on",
      programDescription:
        "Earn points at every visit: for keeping up with your treatment, for your payments, and for sharing the love. Trade them for gift cards and prizes.",
    })
    .returning();
  const [paws] = await db
    .insert(practices)
    .values({
      slug: "paws-claws",
      name: "Paws & Claws Veterinary",
      timezone: "America/Denver",
      status: "test",
      programDescription: "Loyalty points for every visit with your pet.",
    })
    .returning();
  if (!bright || !paws) throw new Error("seed: practices were not created");
  // The portal and kiosk open with the demo practice (Settings → Practice, `tally practice default`).
  await db.insert(installation).values({ id: 1, defaultPracticeId: bright.id }).onConflictDoNothing();
  // The demo logins sign in with their password only (they are printed at start); every other
  // practice requires a second factor of its admins (Settings → Security).
  await db.insert(practiceSecurity).values([
    { practiceId: bright.id, mfaRequired: "off" },
    { practiceId: paws.id, mfaRequired: "off" },
  ]);

  await db.insert(locations).values([
    { practiceId: bright.id, name: "Bright Smiles — Downtown", address: "120 Main St, Springfield, IL", phone: "2175550100" },
    { practiceId: paws.id, name: "Paws & Claws", address: "8 Elm Rd, Boulder, CO", phone: "3035550142" },
  ]);

  const ids: Record<string, string> = { "bright-smiles": bright.id, "paws-claws": paws.id };
  for (const login of demoLogins) {
    await db.insert(staffUsers).values({
      practiceId: ids[login.practice]!,
      email: login.email,
      name: login.role === "admin" ? "Dr. Morgan Reyes" : "Jamie Cole",
      role: login.role,
      passwordHash: await hashPassword(login.password),
      mustChangePassword: false,
    });
  }

  const count = options.members ?? 200;
  const rows = [];
  for (let i = 0; i < count; i++) {
    const first = i === 0 ? "Ana" : pick(firstNames);
    const last = i === 0 ? "Bell" : pick(lastNames);
    const year = 1960 + Math.floor(rand() * 55);
    const month = 1 + Math.floor(rand() * 12);
    const day = 1 + Math.floor(rand() * 28);
    rows.push({
      practiceId: bright.id,
      externalId: `PMS-${10000 + i}`,
      firstName: first,
      lastName: last,
      email: `${first}.${last}.${i}@example.com`.toLowerCase(),
      phone: `217555${String(1000 + i).padStart(4, "0")}`,
      birthday: `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`,
      cardNumber: newCardNumber(),
      tags: pick(tagSets),
      registered: rand() < 0.7,
    });
  }
  const inserted = await db.insert(members).values(rows).returning({ id: members.id });
  await db.insert(memberBalances).values(inserted.map((m) => ({ memberId: m.id, practiceId: bright.id, balance: 0 })));
  const vets = await db
    .insert(members)
    .values([
      {
        practiceId: paws.id,
        externalId: "VET-1",
        firstName: "Riley",
        lastName: "Stone",
        email: "riley@example.com",
        phone: "3035550199",
        cardNumber: newCardNumber(),
        tags: ["dog"],
      },
      {
        practiceId: paws.id,
        externalId: "VET-2",
        firstName: "Sam",
        lastName: "Ortiz",
        email: "sam@example.com",
        phone: "3035550111",
        cardNumber: newCardNumber(),
        tags: ["cat"],
      },
    ])
    .returning({ id: members.id });
  await db.insert(memberBalances).values(vets.map((m) => ({ memberId: m.id, practiceId: paws.id, balance: 0 })));

  if ((options.content ?? (options.members === undefined ? "full" : "minimal")) === "full") {
    await seedProgram(db, bright.id, rand, options.now ?? new Date());
    await seedVetProgram(db, paws.id);
  }
  return { seeded: true, practiceIds: ids };
}
