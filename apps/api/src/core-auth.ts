// The auth verbs live in packages/core/src/auth; @tally/core does not export that folder yet,
// so they are reached by path here, in one place (a `./auth` export would replace this line).
export * from "../../../packages/core/src/auth/index.ts";
