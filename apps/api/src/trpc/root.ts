// The root tRPC router; apps import only its type (AppRouter) for their typed clients.
import { router } from "./init.ts";
import { practiceRouter } from "./routers/practice.ts";

export const appRouter = router({
  practice: practiceRouter,
});

export type AppRouter = typeof appRouter;
