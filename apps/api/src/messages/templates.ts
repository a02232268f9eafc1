// The words of every message, once per kind, in the member's language (the catalogs of
// @tally/core's messageText): an email (MJML → HTML with the practice's logo, colour and
// signature, plus the plain-text part) and the short text of an SMS. Every value that comes from
// data (names, reward names, links) is escaped in the HTML; links must be http(s).
import {
  defaultLocale,
  formatDate,
  formatMoney,
  type Locale,
  localized,
  type MessageRecord,
  type MessageTextKey,
  messageText,
  pointsText,
  type TextParams,
  type Translations,
} from "@tally/core";
import mjml2html from "mjml";

export interface Branding {
  practiceName: string;
  /** Absolute URL of the practice's logo, or null. */
  logoUrl: string | null;
  colour: string;
  signature: string;
  address: string;
  phone: string;
}

export interface Content {
  subject: string;
  heading: string;
  paragraphs: string[];
  details?: [string, string][];
  action?: { label: string; url: string };
  sms: string;
}

export const escapeHtml = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
const safeUrl = (u: unknown): string | null => (typeof u === "string" && /^https?:\/\/[^\s"'<>]+$/.test(u) ? u : null);
const str = (v: unknown, fallback = "") => (typeof v === "string" ? v : typeof v === "number" ? String(v) : fallback);
const num = (v: unknown) => (typeof v === "number" ? v : Number(str(v, "0")) || 0);

/** What each kind says, in the locale (the member's language, else the practice's). `data` is what
 *  the enqueuer stored (a practice's own texts, such as a reward's name, with their translations
 *  under `data.translations`); `b` the practice. Staff notices stay in English. */
export function contentOf(
  m: Pick<MessageRecord, "kind" | "data" | "title">,
  b: Branding,
  timezone: string,
  locale: Locale = defaultLocale,
): Content {
  const d = m.data;
  const l = m.kind === "staff_notice" ? defaultLocale : locale;
  const t = (key: MessageTextKey, params: TextParams = {}) => messageText(l, key, { practice: b.practiceName, ...params });
  const text = (field: string, fallback = "") => localized(str(d[field], fallback), d.translations as Translations | undefined, l, field);
  const date = (v: unknown) => (typeof v === "string" ? formatDate(l, v, timezone) : "");
  const points = (v: unknown) => pointsText(l, num(v));
  const name = str(d.firstName);
  const greeting = name ? t("greeting", { name }) : t("greetingAnonymous");
  switch (m.kind) {
    case "reward_ready": {
      const claimUrl = safeUrl(d.claimUrl);
      const reward = text("rewardName", t("reward_ready.defaultName"));
      const code = str(d.claimCode);
      const value = typeof d.valueCents === "number" ? formatMoney(l, d.valueCents) : "";
      const details: [string, string][] = [...(value ? [[t("reward_ready.value"), value] as [string, string]] : [])];
      if (code) details.push([t("reward_ready.code"), code]);
      return {
        subject: t("reward_ready.subject", { reward }),
        heading: t("reward_ready.subject", { reward }),
        paragraphs: [
          greeting,
          claimUrl || code
            ? t("reward_ready.claim", { reward })
            : t("reward_ready.pickup", { reward, pickup: text("pickup") || t("reward_ready.pickupDefault") }),
          t("reward_ready.orders"),
        ],
        details: details.length > 0 ? details : undefined,
        action: claimUrl ? { label: t("reward_ready.action"), url: claimUrl } : undefined,
        sms: claimUrl
          ? t("reward_ready.smsClaim", { reward, url: claimUrl })
          : code
            ? t("reward_ready.smsCode", { reward, code })
            : t("reward_ready.sms", { reward }),
      };
    }
    case "coupon_unlocked": {
      const coupon = text("couponName", t("coupon_unlocked.defaultName"));
      const expires = date(d.expiresAt);
      const portalUrl = safeUrl(d.portalUrl);
      return {
        subject: t("coupon_unlocked.subject", { coupon }),
        heading: t("coupon_unlocked.subject", { coupon }),
        paragraphs: [
          greeting,
          t("coupon_unlocked.thanks", { coupon }),
          expires ? t("coupon_unlocked.useBy", { date: expires }) : t("coupon_unlocked.showAtDesk"),
        ],
        action: portalUrl ? { label: t("coupon_unlocked.action"), url: portalUrl } : undefined,
        sms: expires ? t("coupon_unlocked.smsUseBy", { coupon, date: expires }) : t("coupon_unlocked.sms", { coupon }),
      };
    }
    case "digest":
      return {
        subject: t("digest.subject", { points: points(d.points) }),
        heading: t("digest.heading", { points: points(d.points) }),
        paragraphs: [
          greeting,
          [t("digest.earned", { points: points(d.points), date: date(d.date) }), t("digest.balance", { points: points(d.balance) })].join(
            " ",
          ),
        ],
        sms: t("digest.sms", { points: points(d.points), balance: num(d.balance) }),
      };
    case "birthday":
      return {
        subject: t("birthday.subject"),
        heading: name ? t("birthday.heading", { name }) : t("birthday.headingAnonymous"),
        paragraphs: [t("birthday.wishes"), ...(d.points ? [t("birthday.points", { points: points(d.points) })] : [])],
        sms: d.points ? t("birthday.smsPoints", { points: points(d.points) }) : t("birthday.sms"),
      };
    case "points_expiring": {
      const p = { count: num(d.points), date: date(d.expiresAt) };
      return {
        subject: t("points_expiring.subject", p),
        heading: t("points_expiring.heading", p),
        paragraphs: [greeting, t("points_expiring.body", p)],
        sms: t("points_expiring.sms", p),
      };
    }
    case "welcome": {
      const portalUrl = safeUrl(d.portalUrl);
      return {
        subject: t("welcome.subject"),
        heading: name ? t("welcome.heading", { name }) : t("welcome.headingAnonymous"),
        paragraphs: [t("welcome.body")],
        action: portalUrl ? { label: t("welcome.action"), url: portalUrl } : undefined,
        sms: t("welcome.sms"),
      };
    }
    case "lead_confirmation":
      return {
        subject: t("lead_confirmation.subject"),
        heading: t("lead_confirmation.heading"),
        paragraphs: [greeting, t("lead_confirmation.body")],
        sms: t("lead_confirmation.sms"),
      };
    case "invitation": {
      const link = safeUrl(d.link);
      const memberName = str(d.memberName, name);
      return {
        subject: t("invitation.subject"),
        heading: t("invitation.heading"),
        paragraphs: [
          memberName ? t("hello", { name: memberName }) : t("helloAnonymous"),
          t("invitation.body"),
          d.expiresAt ? t("invitation.expires", { date: date(d.expiresAt) }) : "",
        ].filter(Boolean),
        action: link ? { label: t("invitation.action"), url: link } : undefined,
        sms: link ? t("invitation.smsLink", { url: link }) : t("invitation.sms"),
      };
    }
    default:
      return {
        subject: m.title || t("message.defaultSubject"),
        heading: m.title || b.practiceName,
        paragraphs: [str(d.text)],
        sms: `${b.practiceName}: ${str(d.text)}`.slice(0, 300),
      };
  }
}

/** A password reset link (sent at once, not through the outbox: the link works for an hour). */
export function passwordResetContent(b: Branding, locale: Locale, firstName: string, link: string): Content {
  const t = (key: MessageTextKey, params: TextParams = {}) => messageText(locale, key, { practice: b.practiceName, ...params });
  return {
    subject: t("password_reset.subject"),
    heading: t("password_reset.heading"),
    paragraphs: [firstName ? t("hello", { name: firstName }) : t("helloAnonymous"), t("password_reset.body"), t("password_reset.ignore")],
    action: { label: t("password_reset.action"), url: link },
    sms: "",
  };
}

/** A member's invitation to a friend (referral campaigns), in the member's language. */
export function referralContent(b: Branding, locale: Locale, from: string, inviteeName: string, link: string): Content {
  const t = (key: MessageTextKey, params: TextParams = {}) => messageText(locale, key, { practice: b.practiceName, ...params });
  return {
    subject: t("referral.subject", { name: from }),
    heading: t("referral.heading"),
    paragraphs: [inviteeName ? t("hello", { name: inviteeName }) : t("helloAnonymous"), t("referral.body", { name: from })],
    action: { label: t("referral.action"), url: link },
    sms: "",
  };
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Compiled MJML by its source with placeholders: MJML takes ~25 ms a compile, so each
 *  message's values go into an already compiled skeleton (escaped), not through MJML again. */
const compiled = new Map<string, Promise<string>>();
const maxCompiled = 500;

/** The email: MJML with every value escaped, and the same words as plain text. */
export async function renderEmail(
  c: Content,
  b: Branding,
  unsubscribeUrl: string | null,
  locale: Locale = defaultLocale,
): Promise<RenderedEmail> {
  const e = escapeHtml;
  // Every value that varies per message becomes a placeholder (letters and digits only: MJML keeps it as is).
  const values: string[] = [];
  const v = (s: string) => `zzV${values.push(s) - 1}Vzz`;
  const colour = /^#[0-9a-fA-F]{6}$/.test(b.colour) ? b.colour : "#0f766e";
  const para = (t: string) => `<mj-text font-size="16px" line-height="24px" color="#1f2937">${v(t)}</mj-text>`;
  const footer = [b.practiceName, b.address, b.phone].filter(Boolean).map(e).join(" · ");
  const mjml = `<mjml lang="${locale}">
  <mj-head><mj-title>${v(c.subject)}</mj-title><mj-attributes><mj-all font-family="Helvetica, Arial, sans-serif" /></mj-attributes></mj-head>
  <mj-body background-color="#f3f4f6">
    <mj-section background-color="${colour}" padding="16px">
      <mj-column>${
        b.logoUrl
          ? `<mj-image src="${e(b.logoUrl)}" alt="${e(b.practiceName)}" width="140px" padding="0" />`
          : `<mj-text color="#ffffff" font-size="20px" font-weight="bold">${e(b.practiceName)}</mj-text>`
      }</mj-column>
    </mj-section>
    <mj-section background-color="#ffffff" padding="24px 16px">
      <mj-column>
        <mj-text font-size="22px" font-weight="bold" color="#111827">${v(c.heading)}</mj-text>
        ${c.paragraphs.map(para).join("\n        ")}
        ${(c.details ?? [])
          .map(
            ([k, val]) =>
              `<mj-text font-size="16px" color="#111827"><strong>${v(k)}:</strong> <span style="font-family: monospace; font-size: 18px">${v(val)}</span></mj-text>`,
          )
          .join("\n")}
        ${c.action ? `<mj-button href="${v(c.action.url)}" background-color="${colour}" color="#ffffff" font-size="16px">${v(c.action.label)}</mj-button>` : ""}
        ${b.signature ? `<mj-text font-size="15px" color="#374151">${e(b.signature).replaceAll("\n", "<br />")}</mj-text>` : ""}
      </mj-column>
    </mj-section>
    <mj-section padding="12px 16px">
      <mj-column>
        <mj-text font-size="12px" color="#6b7280" align="center">${footer}${
          unsubscribeUrl
            ? `<br /><a href="${v(unsubscribeUrl)}" style="color: #6b7280">${e(messageText(locale, "email.unsubscribe"))}</a>`
            : ""
        }</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
  let skeleton = compiled.get(mjml);
  if (!skeleton) {
    skeleton = mjml2html(mjml, { validationLevel: "soft" }).then(({ html, errors }) => {
      if (errors.length > 0 && !html) throw new Error(`email template: ${errors.map((x) => x.formattedMessage).join("; ")}`);
      return html;
    });
    if (compiled.size >= maxCompiled) compiled.delete(compiled.keys().next().value!);
    compiled.set(mjml, skeleton);
  }
  const html = (await skeleton).replace(/zzV(\d+)Vzz/g, (_, i: string) => e(values[Number(i)] ?? ""));
  const text = [
    c.heading,
    "",
    ...c.paragraphs.flatMap((t) => [t, ""]),
    ...(c.details ?? []).map(([k, v]) => `${k}: ${v}`),
    ...(c.action ? [`${c.action.label}: ${c.action.url}`, ""] : []),
    ...(b.signature ? [b.signature, ""] : []),
    [b.practiceName, b.address, b.phone].filter(Boolean).join(" · "),
    ...(unsubscribeUrl ? ["", `${messageText(locale, "email.unsubscribeText")}: ${unsubscribeUrl}`] : []),
  ].join("\n");
  return { subject: c.subject, text, html };
}
