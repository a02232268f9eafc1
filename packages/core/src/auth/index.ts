// Authentication and access for the API: sessions, staff accounts, patient sign-in, kiosk
// devices, integration API keys and lockouts.
export * from "./api-keys.ts";
export { CHECK_IN_CODE, checkInCodeOf, issueCheckInCode, useCheckInCode } from "./check-in-codes.ts";
export * from "./digest-recipients.ts";
export * from "./kiosk-devices.ts";
export * from "./kiosk-identify.ts";
export * from "./lockouts.ts";
export * from "./member-registration.ts";
export * from "./member-sign-in.ts";
export * from "./password-reset.ts";
export * from "./policy.ts";
export * from "./second-factor.ts";
export * from "./sessions.ts";
export * from "./staff-sign-in.ts";
export * from "./staff-users.ts";
export { hashToken, memberQrToken, randomToken, readMemberQrToken } from "./tokens.ts";
