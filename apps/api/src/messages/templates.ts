// The words of every message, once per kind: an email (MJML → HTML with the practice's logo,
// colour and signature, plus the plain-text part) and the short text of an SMS. Every value that
// comes from data (names, reward names, links) is escaped in the HTML; links must be http(s).
import type { MessageRecord } from "@tally/core";
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
const firstName = (d: Record<string, unknown>) => str(d.firstName) || "there";
const dateText = (iso: unknown, timezone: string) => {
  if (typeof iso !== "string" || Number.isNaN(Date.parse(iso))) return "";
  return new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone: timezone }).format(new Date(iso));
};

/** What each kind says. `data` is what the enqueuer stored; `b` the practice. */
export function contentOf(m: Pick<MessageRecord, "kind" | "data" | "title">, b: Branding, timezone: string): Content {
  const d = m.data;
  const name = firstName(d);
  const p = b.practiceName;
  switch (m.kind) {
    case "reward_ready": {
      const claimUrl = safeUrl(d.claimUrl);
      const reward = str(d.rewardName, "reward");
      const code = str(d.claimCode);
      const pickup = str(d.pickup);
      return {
        subject: `Your ${reward} is ready`,
        heading: `Your ${reward} is ready`,
        paragraphs: [
          `Hi ${name},`,
          claimUrl || code
            ? `Your ${reward} from ${p} is ready to claim.`
            : `Your ${reward} from ${p} is ready. ${pickup || "Pick it up at the front desk on your next visit."}`,
          "You can also find it any time under Your orders in the rewards portal.",
        ],
        details: code ? [["Claim code", code]] : undefined,
        action: claimUrl ? { label: "Claim your gift card", url: claimUrl } : undefined,
        sms: `${p}: your ${reward} is ready.${claimUrl ? ` Claim it: ${claimUrl}` : code ? ` Code: ${code}` : ""}`,
      };
    }
    case "coupon_unlocked": {
      const coupon = str(d.couponName, "coupon");
      const expires = dateText(d.expiresAt, timezone);
      return {
        subject: `You unlocked ${coupon}`,
        heading: `You unlocked ${coupon}`,
        paragraphs: [
          `Hi ${name},`,
          `Thanks for your visit to ${p}. You unlocked ${coupon}.`,
          expires ? `Use it by ${expires}.` : "Show it at the front desk on your next visit.",
        ],
        action: safeUrl(d.portalUrl) ? { label: "See your coupons", url: safeUrl(d.portalUrl)! } : undefined,
        sms: `${p}: you unlocked ${coupon}${expires ? ` (use it by ${expires})` : ""}.`,
      };
    }
    case "digest":
      return {
        subject: `You earned ${str(d.points)} points at ${p}`,
        heading: `You earned ${str(d.points)} points`,
        paragraphs: [`Hi ${name},`, `You earned ${str(d.points)} points on ${str(d.date)}. Your balance is now ${str(d.balance)} points.`],
        sms: `${p}: you earned ${str(d.points)} points. Balance: ${str(d.balance)}.`,
      };
    case "birthday":
      return {
        subject: `Happy birthday from ${p}`,
        heading: `Happy birthday, ${name}!`,
        paragraphs: [
          `Everyone at ${p} wishes you a wonderful day.`,
          ...(d.points ? [`We added ${str(d.points)} points to your account.`] : []),
        ],
        sms: `Happy birthday from ${p}!${d.points ? ` We added ${str(d.points)} points.` : ""}`,
      };
    case "points_expiring":
      return {
        subject: `${str(d.points)} points expire soon`,
        heading: `${str(d.points)} of your points expire soon`,
        paragraphs: [
          `Hi ${name},`,
          `${str(d.points)} points at ${p} expire on ${dateText(d.expiresAt, timezone)}. Use them for a reward before then.`,
        ],
        sms: `${p}: ${str(d.points)} points expire on ${dateText(d.expiresAt, timezone)}.`,
      };
    case "welcome":
      return {
        subject: `Welcome to ${p} rewards`,
        heading: `Welcome, ${name}`,
        paragraphs: [`You are now part of the ${p} rewards program: visits and more earn points you can spend on rewards.`],
        action: safeUrl(d.portalUrl) ? { label: "Open your rewards", url: safeUrl(d.portalUrl)! } : undefined,
        sms: `Welcome to ${p} rewards!`,
      };
    case "lead_confirmation":
      return {
        subject: `Thanks for signing up at ${p}`,
        heading: "Thanks for signing up",
        paragraphs: [`Hi ${name},`, `We received your details. ${p} will be in touch to complete your registration.`],
        sms: `${p}: thanks for signing up.`,
      };
    case "invitation": {
      const link = safeUrl(d.link);
      return {
        subject: `Your invitation to ${p}`,
        heading: "You are invited",
        paragraphs: [
          `Hello ${str(d.memberName, name)},`,
          "You are invited to join our rewards program.",
          d.expiresAt ? `The link works once and expires on ${dateText(d.expiresAt, timezone)}.` : "",
        ].filter(Boolean),
        action: link ? { label: "Register", url: link } : undefined,
        sms: `${p}: you are invited to our rewards program.${link ? ` ${link}` : ""}`,
      };
    }
    default:
      return {
        subject: m.title || `A message from ${p}`,
        heading: m.title || p,
        paragraphs: [str(d.text)],
        sms: `${p}: ${str(d.text)}`.slice(0, 300),
      };
  }
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
export async function renderEmail(c: Content, b: Branding, unsubscribeUrl: string | null): Promise<RenderedEmail> {
  const e = escapeHtml;
  // Every value that varies per message becomes a placeholder (letters and digits only: MJML keeps it as is).
  const values: string[] = [];
  const v = (s: string) => `zzV${values.push(s) - 1}Vzz`;
  const colour = /^#[0-9a-fA-F]{6}$/.test(b.colour) ? b.colour : "#0f766e";
  const para = (t: string) => `<mj-text font-size="16px" line-height="24px" color="#1f2937">${v(t)}</mj-text>`;
  const footer = [b.practiceName, b.address, b.phone].filter(Boolean).map(e).join(" · ");
  const mjml = `<mjml>
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
          unsubscribeUrl ? `<br /><a href="${v(unsubscribeUrl)}" style="color: #6b7280">Unsubscribe from these emails</a>` : ""
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
    ...(unsubscribeUrl ? ["", `Unsubscribe: ${unsubscribeUrl}`] : []),
  ].join("\n");
  return { subject: c.subject, text, html };
}
