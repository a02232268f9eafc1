// Session and lockout limits. The API passes its configured values; these are the defaults.
export interface SessionLimits {
  /** Signed out after this long without a request. */
  idleMs: number;
  /** Signed out this long after sign-in, however active. */
  absoluteMs: number;
}

export interface AuthPolicy {
  staff: SessionLimits;
  member: SessionLimits;
}

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

export const defaultAuthPolicy: AuthPolicy = {
  staff: { idleMs: 30 * minute, absoluteMs: 12 * hour },
  member: { idleMs: 7 * day, absoluteMs: 30 * day },
};

/** Who must sign in with a second factor: a practice setting ('off' only for the demo practices). */
export type MfaRequirement = "admins" | "everyone" | "off";

/** Whether a staff user of this role must sign in with a second factor under the practice's rule. */
export const mfaRequiredFor = (rule: MfaRequirement, role: "admin" | "team_member") =>
  rule === "everyone" || (rule === "admins" && role === "admin");

/** How many failures within `windowMs` lock a subject, and for how long. */
export interface LockoutRule {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export const lockoutRules = {
  staff_login: { maxFailures: 10, windowMs: 15 * minute, lockMs: 15 * minute },
  /** The second step of a staff sign-in (a TOTP or recovery code), per staff user. */
  staff_second_factor: { maxFailures: 5, windowMs: 15 * minute, lockMs: 15 * minute },
  member_login: { maxFailures: 10, windowMs: 15 * minute, lockMs: 15 * minute },
  kiosk_device: { maxFailures: 10, windowMs: 15 * minute, lockMs: 15 * minute },
  kiosk_subject: { maxFailures: 5, windowMs: 30 * minute, lockMs: 30 * minute },
} satisfies Record<string, LockoutRule>;

export type LockoutScope = keyof typeof lockoutRules;

/** Touch last_seen_at at most this often, so a busy session is not a write per request. */
export const touchEveryMs = minute;

/** How often a session's last-seen time is written: the idle timeout can only be as exact as
 *  this, so at most 5 seconds (and a tenth of a very short idle limit), never `touchEveryMs`. */
export const sessionTouchEveryMs = (idleMs: number) => Math.max(250, Math.min(touchEveryMs, 5_000, idleMs / 10));
