// Members as staff manage them: create, update, tags, rewards cards.
import { connectCard, connectCardInput, createMember, createMemberInput, findByCardInput, findMemberByCard, setTags, setTagsInput, updateMember, updateMemberInput } from "../../core.ts";
import { router, staffProcedure } from "../init.ts";

export const membersRouter = router({
  create: staffProcedure.input(createMemberInput).mutation(({ ctx, input }) => createMember({ ctx: ctx.core, input })),
  update: staffProcedure.input(updateMemberInput).mutation(({ ctx, input }) => updateMember({ ctx: ctx.core, input })),
  setTags: staffProcedure.input(setTagsInput).mutation(({ ctx, input }) => setTags({ ctx: ctx.core, input })),
  connectCard: staffProcedure.input(connectCardInput).mutation(({ ctx, input }) => connectCard({ ctx: ctx.core, input })),
  findByCard: staffProcedure.input(findByCardInput).query(({ ctx, input }) => findMemberByCard({ ctx: ctx.core, input })),
});
