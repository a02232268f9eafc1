// Members: as staff manage them (search, profile and its tabs, create, tags, cards, invitations,
// merging duplicates), and a signed-in patient's own home, profile, coupons, orders, milestones,
// activity, requests, consents and notification preferences (always the session's own member:
// no member procedure takes a member id).
import {
  connectCard,
  connectCardInput,
  consentHistory,
  consentHistoryInput,
  consentKinds,
  createInvitation,
  createInvitationInput,
  createMember,
  createMemberInput,
  enqueueMessage,
  eraseMember,
  eraseMemberInput,
  exportMemberData,
  exportMemberDataInput,
  findByCardInput,
  findDuplicates,
  findDuplicatesInput,
  findMember,
  findMemberByCard,
  getBalance,
  getMember,
  getMemberInput,
  getPractice,
  listTags,
  memberActionRequests,
  memberActivity,
  memberConsents,
  memberCoupons,
  memberLanguage,
  memberMilestones,
  memberOrders,
  memberOverviewInput,
  memberStanding,
  mergeMembers,
  mergeMembersInput,
  mergePreview,
  mergePreviewInput,
  publicMember,
  recordConsent,
  recordConsentInput,
  searchMembers,
  searchMembersInput,
  setEmailUpdates,
  setMemberLanguage,
  setRewardExclusion,
  setRewardExclusionInput,
  setTags,
  setTagsInput,
  updateMember,
  updateMemberInput,
} from "@tally/core";
import { z } from "zod";
import { drainSoon } from "../../messages/run.ts";
import { memberProcedure, router, staffProcedure } from "../init.ts";

const Limit = z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 });
/** Leads (self-registered, not yet converted) may see their home page and profile only. */
const leadOk = memberProcedure.meta({ allowLead: true });

export const membersRouter = router({
  /** Inducement guardrails: the member earns nothing and cannot redeem (who and when are kept; audited). */
  setExclusion: staffProcedure
    .meta({ action: "members.setExclusion" })
    .input(setRewardExclusionInput)
    .mutation(({ ctx, input }) => setRewardExclusion({ ctx: ctx.core, input })),
  /** Patient data requests: everything about the member (JSON, or CSV files by name), audited. */
  exportData: staffProcedure
    .meta({ action: "members.exportData" })
    .input(exportMemberDataInput)
    .mutation(({ ctx, input }) => exportMemberData({ ctx: ctx.core, input })),
  /** Erasure on request: personal data anonymised, the ledger kept (balances and totals unchanged). */
  erase: staffProcedure
    .meta({ action: "members.erase" })
    .input(eraseMemberInput)
    .mutation(({ ctx, input }) => eraseMember({ ctx: ctx.core, input })),
  search: staffProcedure
    .meta({ action: "members.search" })
    .input(searchMembersInput.optional())
    .query(({ ctx, input }) => searchMembers({ ctx: ctx.core, input })),
  get: staffProcedure
    .meta({ action: "members.get" })
    .input(getMemberInput)
    .query(({ ctx, input }) => getMember({ ctx: ctx.core, input })),
  create: staffProcedure
    .meta({ action: "members.create" })
    .input(createMemberInput)
    .mutation(({ ctx, input }) => createMember({ ctx: ctx.core, input })),
  /** Contact details, birth date, PMS id and card (each unique in the practice). */
  update: staffProcedure
    .meta({ action: "members.update" })
    .input(updateMemberInput)
    .mutation(({ ctx, input }) => updateMember({ ctx: ctx.core, input })),
  /** Consent recorded at the desk on the patient's behalf (media raises consent.given once). */
  recordConsent: staffProcedure
    .meta({ action: "members.recordConsent" })
    .input(recordConsentInput.extend({ kind: z.enum(consentKinds) }))
    .mutation(({ ctx, input }) => recordConsent({ ctx: ctx.core, input })),
  /** Each consent with who recorded it and when. */
  consents: staffProcedure
    .meta({ action: "members.get" })
    .input(consentHistoryInput)
    .query(({ ctx, input }) => consentHistory({ ctx: ctx.core, input })),
  /** Possible duplicates: the same name and birth date, or the same phone. */
  duplicates: staffProcedure
    .meta({ action: "members.findDuplicates" })
    .input(findDuplicatesInput)
    .query(({ ctx, input }) => findDuplicates({ ctx: ctx.core, input })),
  /** The practice's member tags with counts, for the list's tag filter. */
  tags: staffProcedure.meta({ action: "members.listTags" }).query(({ ctx }) => listTags({ ctx: ctx.core })),
  setTags: staffProcedure
    .meta({ action: "members.setTags" })
    .input(setTagsInput)
    .mutation(({ ctx, input }) => setTags({ ctx: ctx.core, input })),
  connectCard: staffProcedure
    .meta({ action: "members.connectCard" })
    .input(connectCardInput)
    .mutation(({ ctx, input }) => connectCard({ ctx: ctx.core, input })),
  findByCard: staffProcedure
    .meta({ action: "members.findByCard" })
    .input(findByCardInput)
    .query(({ ctx, input }) => findMemberByCard({ ctx: ctx.core, input })),
  /** Returns the single-use token; the admin app builds the portal link and the API emails it. */
  invite: staffProcedure
    .meta({ action: "members.createInvitation" })
    .input(createInvitationInput)
    .mutation(async ({ ctx, input }) => {
      const inv = await createInvitation({ ctx: ctx.core, input });
      const base = ctx.config.publicUrl ?? new URL(ctx.req.url).origin;
      const practice = await getPractice({ ctx: ctx.core });
      const link = `${base}/portal/invite?practice=${practice.slug}&token=${inv.token}`;
      // Through the message outbox (transactional: sent whatever the program status; staff see it on Messages).
      await enqueueMessage(ctx.database.db, {
        practiceId: ctx.core.practiceId,
        memberId: input.memberId,
        kind: "invitation",
        channel: "email",
        to: inv.email,
        subjectKey: `invitation:${inv.invitationId}`,
        title: `Your invitation to ${practice.name}`,
        data: { memberName: inv.memberName, link, expiresAt: inv.expiresAt.toISOString() },
      });
      await drainSoon(ctx);
      return { ...inv, link };
    }),
  merge: staffProcedure
    .meta({ action: "members.merge" })
    .input(mergeMembersInput)
    .mutation(({ ctx, input }) => mergeMembers({ ctx: ctx.core, input })),
  /** What a merge will combine (the confirm step). */
  mergePreview: staffProcedure
    .meta({ action: "members.merge" })
    .input(mergePreviewInput)
    .query(({ ctx, input }) => mergePreview({ ctx: ctx.core, input })),
  /** The profile's tabs. */
  milestones: staffProcedure
    .meta({ action: "members.get" })
    .input(memberOverviewInput)
    .query(({ ctx, input }) => memberMilestones({ ctx: ctx.core, input })),
  coupons: staffProcedure
    .meta({ action: "members.get" })
    .input(memberOverviewInput)
    .query(({ ctx, input }) => memberCoupons({ ctx: ctx.core, input })),
  /** Tier as of now and what the next needs, the next points to expire, points not yet available (SPEC 7). */
  standing: staffProcedure
    .meta({ action: "members.get" })
    .input(memberOverviewInput)
    .query(({ ctx, input }) => memberStanding({ ctx: ctx.core, input })),

  /** Practice, greeting and balance. In test mode patients see no balance (SPEC: program status);
   *  when the program is off they still see it but cannot redeem. */
  home: leadOk.query(async ({ ctx }) => {
    const practice = await getPractice({ ctx: ctx.core });
    const isMember = ctx.member.status === "member";
    const balance =
      isMember && practice.status !== "test"
        ? (await getBalance({ ctx: ctx.core, input: { memberId: ctx.member.actor.id } })).balance
        : null;
    return {
      practice: { name: practice.name, slug: practice.slug, status: practice.status, programDescription: practice.programDescription },
      firstName: ctx.member.firstName,
      status: ctx.member.status,
      balance,
      canRedeem: isMember && practice.status === "on",
    };
  }),
  profile: leadOk.query(async ({ ctx }) => {
    const row = await findMember(ctx.core.db, ctx.core, ctx.member.actor.id);
    const m = publicMember(row);
    return {
      /** Whether the patient has a password (else they sign in with their card: they may set one). */
      hasPassword: row.passwordHash !== null,
      firstName: m.firstName,
      lastName: m.lastName,
      email: m.email,
      phone: m.phone,
      birthday: m.birthday,
      cardNumber: m.cardNumber,
      registered: m.registered,
      status: m.status,
    };
  }),
  myCoupons: memberProcedure
    .input(Limit)
    .query(({ ctx, input }) => memberCoupons({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),
  myOrders: memberProcedure
    .input(Limit)
    .query(({ ctx, input }) => memberOrders({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),
  myRequests: memberProcedure
    .input(Limit)
    .query(({ ctx, input }) => memberActionRequests({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),
  myMilestones: memberProcedure.query(({ ctx }) => memberMilestones({ ctx: ctx.core, input: { memberId: ctx.member.actor.id } })),
  /** Ledger lines with the event behind each; empty unless the program is on (test mode hides points). */
  myActivity: memberProcedure.input(Limit).query(async ({ ctx, input }) => {
    const p = await getPractice({ ctx: ctx.core });
    if (p.status !== "on") return [];
    return memberActivity({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } });
  }),
  /** The member's tier, next expiring points and points not yet available; null unless the program is on (test mode hides points). */
  myStanding: memberProcedure.query(async ({ ctx }) => {
    const p = await getPractice({ ctx: ctx.core });
    if (p.status !== "on") return null;
    return memberStanding({ ctx: ctx.core, input: { memberId: ctx.member.actor.id } });
  }),
  myConsents: memberProcedure.query(({ ctx }) => memberConsents({ ctx: ctx.core, input: { memberId: ctx.member.actor.id } })),
  /** Giving media consent (full) sends `consent.given` through the pipeline: rules award it. */
  giveConsent: memberProcedure
    .input(z.object({ kind: z.enum(["media"]), full: z.boolean().default(true) }))
    .mutation(({ ctx, input }) => recordConsent({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),
  setEmailUpdates: memberProcedure
    .input(z.object({ enabled: z.boolean() }))
    .mutation(({ ctx, input }) => setEmailUpdates({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),
  /** The language the member chose ('en' | 'es'), or null (the browser's on screen). */
  myLanguage: leadOk.query(({ ctx }) => memberLanguage({ ctx: ctx.core, input: { memberId: ctx.member.actor.id } })),
  setLanguage: leadOk
    .input(z.object({ language: z.enum(["en", "es"]).nullable() }))
    .mutation(({ ctx, input }) => setMemberLanguage({ ctx: ctx.core, input: { ...input, memberId: ctx.member.actor.id } })),
});
