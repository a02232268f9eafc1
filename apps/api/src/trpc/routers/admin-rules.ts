// Staff-side rule tools beside rules.ts: the backtest of a draft (or a saved version) over the
// practice's recorded events, compared with the active version. Admins only.
import { backtestInput, runBacktest } from "../../../../../packages/core/src/backtest/backtest.ts";
import { router, staffProcedure } from "../init.ts";

const admin = staffProcedure.meta({ role: "admin" });

export const adminRulesRouter = router({
  backtest: admin.input(backtestInput).mutation(({ ctx, input }) => runBacktest({ ctx: ctx.core, input })),
});
