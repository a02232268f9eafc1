// The core verbs the routers call. @tally/core's index does not re-export its modules yet, so
// they are reached by path here, in this one file (switch to `from "@tally/core"` once it does).
export * from "../../../packages/core/src/catalog/eligible-items.ts";
export * from "../../../packages/core/src/catalog/rewards.ts";
export * from "../../../packages/core/src/events/list-events.ts";
export * from "../../../packages/core/src/events/record-event.ts";
export * from "../../../packages/core/src/ledger/adjust-points.ts";
export * from "../../../packages/core/src/ledger/balance.ts";
export * from "../../../packages/core/src/members/create-member.ts";
export * from "../../../packages/core/src/members/update-member.ts";
export * from "../../../packages/core/src/practices/practices.ts";
export * from "../../../packages/core/src/redemption/orders.ts";
export * from "../../../packages/core/src/redemption/redeem-reward.ts";
export * from "../../../packages/core/src/rules/rule-sets.ts";
export { permissions } from "../../../packages/core/src/permissions.ts";
export { findMember, publicMember } from "../../../packages/core/src/members/shared.ts";
export * from "../../../packages/core/src/approvals/approvals.ts";
export * from "../../../packages/core/src/members/birthdays.ts";
export * from "../../../packages/core/src/members/get-member.ts";
export { createInvitation, createInvitationInput } from "../../../packages/core/src/members/invitations.ts";
export * from "../../../packages/core/src/members/leads.ts";
export { mergeMembers, mergeMembersInput } from "../../../packages/core/src/members/merge-members.ts";
export * from "../../../packages/core/src/members/record-consent.ts";
export * from "../../../packages/core/src/members/search-members.ts";
