// Members as staff manage them: search, profile, create, update, tags, cards, consents,
// invitations, merging duplicates, birthdays.
import {
  connectCard,
  connectCardInput,
  createInvitation,
  createInvitationInput,
  createMember,
  createMemberInput,
  findByCardInput,
  findMemberByCard,
  getMember,
  getMemberInput,
  listBirthdays,
  listBirthdaysInput,
  listTags,
  mergeMembers,
  mergeMembersInput,
  recordConsent,
  recordConsentInput,
  searchMembers,
  searchMembersInput,
  setTags,
  setTagsInput,
  updateMember,
  updateMemberInput,
} from "@tally/core";
import { router, staffProcedure } from "../init.ts";

export const membersRouter = router({
  search: staffProcedure.input(searchMembersInput.optional()).query(({ ctx, input }) => searchMembers({ ctx: ctx.core, input })),
  get: staffProcedure.input(getMemberInput).query(({ ctx, input }) => getMember({ ctx: ctx.core, input })),
  create: staffProcedure.input(createMemberInput).mutation(({ ctx, input }) => createMember({ ctx: ctx.core, input })),
  update: staffProcedure.input(updateMemberInput).mutation(({ ctx, input }) => updateMember({ ctx: ctx.core, input })),
  /** The practice's member tags with counts, for the list's tag filter. */
  tags: staffProcedure.query(({ ctx }) => listTags({ ctx: ctx.core })),
  setTags: staffProcedure.input(setTagsInput).mutation(({ ctx, input }) => setTags({ ctx: ctx.core, input })),
  connectCard: staffProcedure.input(connectCardInput).mutation(({ ctx, input }) => connectCard({ ctx: ctx.core, input })),
  findByCard: staffProcedure.input(findByCardInput).query(({ ctx, input }) => findMemberByCard({ ctx: ctx.core, input })),
  recordConsent: staffProcedure.input(recordConsentInput).mutation(({ ctx, input }) => recordConsent({ ctx: ctx.core, input })),
  /** Returns the single-use token; the admin app builds the portal link and the API emails it. */
  invite: staffProcedure.input(createInvitationInput).mutation(async ({ ctx, input }) => {
    const inv = await createInvitation({ ctx: ctx.core, input });
    const base = ctx.config.publicUrl ?? new URL(ctx.req.url).origin;
    const practice = await ctx.core.db.query.practices.findFirst({ where: (p, { eq }) => eq(p.id, ctx.core.practiceId) });
    const link = `${base}/portal/invite?practice=${practice?.slug ?? ""}&token=${inv.token}`;
    await ctx.mailer.send({
      practiceId: ctx.core.practiceId,
      to: inv.email,
      subject: `Your invitation to ${practice?.name ?? "our rewards program"}`,
      text: `Hello ${inv.memberName},\n\nYou are invited to join our rewards program. Register here:\n${link}\n\nThe link works once and expires on ${inv.expiresAt.toUTCString()}.`,
    });
    return { ...inv, link };
  }),
  merge: staffProcedure
    .meta({ role: "admin" })
    .input(mergeMembersInput)
    .mutation(({ ctx, input }) => mergeMembers({ ctx: ctx.core, input })),
  birthdays: staffProcedure.input(listBirthdaysInput.optional()).query(({ ctx, input }) => listBirthdays({ ctx: ctx.core, input })),
});
