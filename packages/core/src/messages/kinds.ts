// What Tally sends, once: each kind's label (staff and patients read it), whether it is
// transactional (sent whatever the program status and the member's opt-outs) and the channels it
// may use. The practice switches kinds off per channel; a member opts out per kind and channel.
import { defaultLocale, type Locale } from "../i18n/locale.ts";
import { messageText } from "./texts.ts";

export const messageChannels = ["email", "sms"] as const;
export type MessageChannel = (typeof messageChannels)[number];

export const messageKinds = {
  invitation: { label: "Invitation to the rewards portal", transactional: true, patient: true, channels: ["email"] },
  password_reset: { label: "Password reset", transactional: true, patient: true, channels: ["email"] },
  staff_notice: { label: "Staff notice", transactional: true, patient: false, channels: ["email"] },
  welcome: { label: "Welcome", transactional: false, patient: true, channels: ["email", "sms"] },
  reward_ready: { label: "Reward ready", transactional: false, patient: true, channels: ["email", "sms"] },
  coupon_unlocked: { label: "Coupon unlocked", transactional: false, patient: true, channels: ["email", "sms"] },
  points_expiring: { label: "Points expiring soon", transactional: false, patient: true, channels: ["email", "sms"] },
  birthday: { label: "Happy birthday", transactional: false, patient: true, channels: ["email", "sms"] },
  digest: { label: "Daily points summary", transactional: false, patient: true, channels: ["email"] },
  lead_confirmation: { label: "Sign-up confirmation", transactional: false, patient: true, channels: ["email"] },
} as const satisfies Record<string, { label: string; transactional: boolean; patient: boolean; channels: readonly MessageChannel[] }>;

export type MessageKind = keyof typeof messageKinds;
export const messageKindNames = Object.keys(messageKinds) as MessageKind[];

/** The kinds a practice or a member can switch off (not the transactional ones). */
export const optionalMessageKinds = messageKindNames.filter((k) => !messageKinds[k].transactional);

export const isMessageKind = (k: string): k is MessageKind => k in messageKinds;
/** The kind's label in the locale (the catalogs' `kind.*`; English by default, as staff read it). */
export const messageKindLabel = (k: string, locale: Locale = defaultLocale) => (isMessageKind(k) ? messageText(locale, `kind.${k}`) : k);
