// Issue 18, messages: a patient who chose Spanish (members.setLanguage, the portal's switch) gets
// the next email in Spanish — a gift card's "reward ready" with the reward's Spanish name (written
// by the admin beside the English one) and its value as es-US money — while the same reward's
// email to a patient who chose nothing is in the practice's default language (English), with the
// name as written. The admin writes a reward's Spanish name on Rules → Texts in Spanish (no serious
// axe violation there), and a patient who reads Spanish gets it in the catalog. Setup through the
// API as the Bright Smiles admin; the server's job runner issues the cards (sandbox provider) and
// the dev mailbox keeps the mail.
import type { ApiClient } from "@tally/api/client";
import { beforeAll, describe, expect, test } from "vitest";
import { axeViolations, invitedPatient, memberClient, openPage, staffClient, submit, useBrowser, viewports } from "../src/harness.ts";

const browser = useBrowser();

const practice = "bright-smiles";
const stamp = Date.now().toString(36);

/** A registered patient with a password, and their own API client. */
async function patient(staff: ApiClient, firstName: string) {
  const { id, email, password } = await invitedPatient(staff, practice, {
    firstName,
    lastName: "Ortiz",
    birthday: "1988-07-09",
    email: `${firstName.toLowerCase()}.${stamp}@example.com`,
    password: `${firstName.toLowerCase()}-pw-2026-${stamp}`,
  });
  return { id, email, client: await memberClient(practice, email, password) };
}

describe("the next email in the patient's language", () => {
  let staff: ApiClient;
  const english = `Books ${stamp}`;
  const spanish = `Libros ${stamp}`;

  beforeAll(async () => {
    staff = await staffClient();
  });

  test("a Spanish patient's reward-ready email is Spanish, with es-US money; a patient who chose nothing reads English", async () => {
    const reward = await staff.catalog.createReward.mutate({
      kind: "gift_card",
      name: english,
      pointsPrice: 100,
      valueCents: 1000,
      providerSku: "SANDBOX-10",
      translations: { es: { name: spanish } },
    });
    const rosa = await patient(staff, "Rosa");
    const tom = await patient(staff, "Tomas");
    await rosa.client.members.setLanguage.mutate({ language: "es" });
    for (const p of [rosa, tom]) {
      await staff.ledger.adjust.mutate({ memberId: p.id, points: 500, note: "Start" });
      await staff.redemption.redeem.mutate({ memberId: p.id, rewardId: reward.id });
    }

    // The job runner issues the cards and the outbox sends the emails (within a minute or two).
    const mailTo = async (to: string) => {
      const until = Date.now() + 170_000;
      for (;;) {
        const { messages } = await staff.mailbox.list.query({ limit: 200 });
        const mail = messages.find((m) => m.to === to && (m.subject.includes(english) || m.subject.includes(spanish)));
        if (mail) return mail;
        if (Date.now() > until) throw new Error(`no reward-ready email to ${to}`);
        await new Promise((r) => setTimeout(r, 2_000));
      }
    };
    const es = await mailTo(rosa.email);
    expect(es.subject).toBe(`Su ${spanish} está lista`);
    expect(es.text).toContain("Hola, Rosa:");
    expect(es.text).toContain(`Valor: ${new Intl.NumberFormat("es-US", { style: "currency", currency: "USD" }).format(10)}`);
    const en = await mailTo(tom.email);
    expect(en.subject).toBe(`Your ${english} is ready`);
    expect(en.text).toContain("Hi Tomas,");
  }, 200_000);

  test("the admin writes a reward's Spanish name on Texts in Spanish; a Spanish reader's catalog shows it", async () => {
    const name = `Tote ${stamp}`;
    const reward = await staff.catalog.createReward.mutate({ kind: "in_house", name, pointsPrice: 300 });
    const { page, problems, close } = await openPage(browser(), viewports.desktop);
    await page.goto("/admin/sign-in");
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Email").fill("admin@brightsmiles.test");
    await page.getByLabel("Password").fill("demo-admin-2026");
    await submit(page, page.getByRole("button", { name: "Sign in" }));
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
    await page.goto("/admin/rules/translations");
    await page.getByRole("heading", { level: 1, name: "Texts in Spanish" }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel(`Name in Spanish: ${name}`).fill(`Bolsa ${stamp}`);
    const form = page.locator("form").filter({ has: page.getByLabel(`Name in Spanish: ${name}`) });
    await submit(page, form.getByRole("button", { name: "Save" }));
    await page.getByText("Saved.").waitFor();
    expect(problems).toEqual([]);
    await close();

    const rosa = await patient(staff, "Marisol");
    await rosa.client.members.setLanguage.mutate({ language: "es" });
    const offered = await rosa.client.catalog.offered.query();
    expect(offered.find((r) => r.id === reward.id)?.name).toBe(`Bolsa ${stamp}`);
    const tom = await patient(staff, "Peter");
    expect((await tom.client.catalog.offered.query()).find((r) => r.id === reward.id)?.name).toBe(name);
  });
});
