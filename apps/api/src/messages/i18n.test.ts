// Messages in the member's language: a Spanish member's "reward ready" email is in Spanish with the
// reward's Spanish name and the card's value in Spanish money format (Intl, es-US), its one-click
// unsubscribe page is Spanish, and a "coupon unlocked" email gives the expiry as a Spanish date; a
// member who chose no language reads the practice's default (English, or Spanish when the practice
// says so); a password reset comes in the member's language.
import { enqueueCouponMessages, formatDate, formatMoney } from "@tally/core";
import { members, practices } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runGiftCardOutbox } from "../jobs/gift-card-outbox.ts";
import type { Mail, Mailer } from "../mail.ts";
import { createHarness, type Harness } from "../testing/harness.ts";
import { runMessageDrain } from "./run.ts";

describe("messages in the member's language", () => {
  let h: Harness;
  let bright: string;
  const sent: Mail[] = [];
  const mailer: Mailer = {
    kind: "smtp",
    async send(mail) {
      sent.push(mail);
      return { id: `m${sent.length}` };
    },
    close() {},
  };

  beforeAll(async () => {
    h = await createHarness({ config: { publicUrl: "http://tally.test" } });
    h.app.deps.mailer = mailer;
    bright = h.practiceIds["bright-smiles"]!;
    await h.t.db.update(practices).set({ status: "on" }).where(eq(practices.id, bright));
  });
  afterAll(() => h?.dispose());

  /** Ana (the demo's first member), then other members with an email of their own. */
  const patients = async () => {
    const rows = await h.t.db
      .select()
      .from(members)
      .where(and(eq(members.practiceId, bright), eq(members.status, "member")))
      .orderBy(members.createdAt);
    const withEmail = rows.filter((m) => m.email && rows.filter((o) => o.email === m.email).length === 1);
    const ana = withEmail.find((m) => m.firstName === "Ana")!;
    return [ana, ...withEmail.filter((m) => m.id !== ana.id)];
  };
  const setLanguage = (id: string, language: string | null) => h.t.db.update(members).set({ language }).where(eq(members.id, id));
  const mailTo = (to: string) => sent.filter((m) => m.to === to);
  const es = (cents: number) => formatMoney("es", cents);

  it("a Spanish member's reward-ready email is Spanish, with the Spanish name and value; others read the default", async () => {
    const admin = await h.staff("admin");
    const team = await h.staff("team_member");
    const [ana, ben] = await patients();
    await setLanguage(ana!.id, "es");
    await setLanguage(ben!.id, null);
    const reward = await admin.catalog.createReward.mutate({
      kind: "gift_card",
      name: "$25 Books",
      pointsPrice: 500,
      valueCents: 2500,
      providerSku: "BK-25",
      translations: { es: { name: "Tarjeta de libros" } },
    });
    for (const m of [ana!, ben!]) {
      await team.ledger.adjust.mutate({ memberId: m.id, points: 1_000, note: "start" });
      await team.redemption.redeem.mutate({ memberId: m.id, rewardId: reward.id });
    }
    await runGiftCardOutbox(h.app.deps);

    const [spanish] = mailTo(ana!.email!);
    expect(spanish!.subject).toBe("Su Tarjeta de libros está lista");
    expect(spanish!.text).toContain(`Hola, ${ana!.firstName}:`);
    expect(spanish!.text).toContain(`Valor: ${es(2500)}`);
    expect(es(2500)).toBe(new Intl.NumberFormat("es-US", { style: "currency", currency: "USD" }).format(25));
    expect(spanish!.text).toContain("También puede encontrarla");
    expect(spanish!.html).toContain('lang="es"');
    expect(spanish!.html).toContain("Darse de baja de estos correos");
    // The one-click unsubscribe page speaks Spanish too.
    const unsubscribe = /<(http:\/\/tally\.test\/messages\/unsubscribe\/[^>]+)>/.exec(spanish!.headers!["List-Unsubscribe"]!)?.[1];
    const page = await (await h.request(new URL(unsubscribe!).pathname)).text();
    expect(page).toContain('<html lang="es">');
    expect(page).toContain("¿Dejar de recibir <strong>correos de «Recompensa lista»</strong>");

    // No language chosen, an English practice: English, the reward as written.
    const [english] = mailTo(ben!.email!);
    expect(english!.subject).toBe("Your $25 Books is ready");
    expect(english!.text).toContain(`Value: ${formatMoney("en", 2500)}`);
  });

  it("a member who chose no language reads the practice's default; a coupon's expiry is a Spanish date", async () => {
    const cy = (await patients())[2]!;
    await setLanguage(cy.id, null);
    await h.t.db.update(practices).set({ language: "es" }).where(eq(practices.id, bright));
    try {
      const admin = await h.staff("admin");
      await admin.catalog.createReward.mutate({
        kind: "coupon",
        name: "$10 off your next visit",
        pointsPrice: 400,
        couponCode: "ten-off-es",
        translations: { es: { name: "$10 de descuento en su próxima visita" } },
      });
      const now = new Date();
      const expiresAt = new Date(now.getTime() + 10 * 86_400_000);
      await h.t.db.transaction((tx) =>
        enqueueCouponMessages(
          tx,
          bright,
          [{ practiceId: bright, memberId: cy.id, coupon: "ten-off-es", idempotencyKey: "i18n-cy-1", issuedAt: now, expiresAt }],
          now,
        ),
      );
      await runMessageDrain(h.app.deps);
      const [mail] = mailTo(cy.email!).filter((m) => m.subject.startsWith("Desbloqueó"));
      expect(mail!.subject).toBe("Desbloqueó $10 de descuento en su próxima visita");
      const [practice] = await h.t.db.select().from(practices).where(eq(practices.id, bright));
      const date = formatDate("es", expiresAt, practice!.timezone);
      expect(date).toBe(new Intl.DateTimeFormat("es-US", { dateStyle: "long", timeZone: practice!.timezone }).format(expiresAt));
      expect(mail!.text).toContain(`Úselo antes del ${date}.`);
    } finally {
      await h.t.db.update(practices).set({ language: "en" }).where(eq(practices.id, bright));
    }
  });

  it("a password reset comes in the member's language", async () => {
    const [ana] = await patients();
    await h.t.db.update(members).set({ passwordHash: "x" }).where(eq(members.id, ana!.id));
    const before = mailTo(ana!.email!).length;
    await h.client().auth.member.requestPasswordReset.mutate({ practice: "bright-smiles", email: ana!.email! });
    const mail = mailTo(ana!.email!)[before]!;
    expect(mail.subject).toMatch(/^Restablezca su contraseña de recompensas de /);
    expect(mail.text).toContain("Elegir una contraseña nueva: http://tally.test/portal/reset-password?");
  });

  it("the admin's Translations page lists the texts patients read; a Spanish portal gets the Spanish program description", async () => {
    const admin = await h.staff("admin");
    const team = await h.staff("team_member");
    const before = await team.translations.texts.query();
    expect(before.program.text).not.toBe("");
    expect(before.rewards.length).toBeGreaterThan(0);
    await expect(
      team.translations.set.mutate({ subject: "practice", key: bright, translations: { es: { programDescription: "X" } } }),
    ).rejects.toThrow(/not allowed/);
    await admin.translations.set.mutate({
      subject: "practice",
      key: bright,
      translations: { es: { programDescription: "Puntos por cada visita." } },
    });
    expect((await team.translations.texts.query()).program.translations).toEqual({ es: { programDescription: "Puntos por cada visita." } });
    // The public page (before sign-in) in the visitor's language.
    const visitor = h.client({ headers: { "x-locale": "es" } });
    expect((await visitor.practice.public.query({ slug: "bright-smiles" })).programDescription).toBe("Puntos por cada visita.");
    expect((await h.client().practice.public.query({ slug: "bright-smiles" })).programDescription).toBe(before.program.text);

    const [ana] = await patients();
    const patient = h.client();
    await patient.auth.member.signIn.mutate({ practice: "bright-smiles", cardNumber: ana!.cardNumber!, birthday: ana!.birthday! });
    // Ana chose Spanish (the first test): her portal reads Spanish unless the screen asks for English.
    await setLanguage(ana!.id, "es");
    expect((await patient.practice.mine.query()).programDescription).toBe("Puntos por cada visita.");
    const english = h.client({ headers: { "x-locale": "en" } });
    await english.auth.member.signIn.mutate({ practice: "bright-smiles", cardNumber: ana!.cardNumber!, birthday: ana!.birthday! });
    expect((await english.practice.mine.query()).programDescription).toBe(before.program.text);
  });
});
