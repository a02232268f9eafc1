// The pure rules of the domain that core, the API and the three apps share (one home each):
// points an event gave a member, milestone progress, what patients see under each program status,
// and phone and card normalisation. Importable alone as @tally/rules/domain (no parser, small).

export * from "./identifiers.ts";
export * from "./milestones.ts";
export * from "./points.ts";
export * from "./visibility.ts";
