// @tally/ui: the shared component library. Import styles once per app with `import '@tally/ui/styles.css'`.
export { default as Alert } from "./components/Alert.svelte";
export { default as Badge } from "./components/Badge.svelte";
export { default as Button } from "./components/Button.svelte";
export { default as Card } from "./components/Card.svelte";
export { default as ConfirmDialog } from "./components/ConfirmDialog.svelte";
export { default as Countdown } from "./components/Countdown.svelte";
export { default as EmptyState } from "./components/EmptyState.svelte";
export { default as Field } from "./components/Field.svelte";
export { default as ProgressRing } from "./components/ProgressRing.svelte";
export { default as Standing } from "./components/Standing.svelte";
export { default as TextArea } from "./components/TextArea.svelte";
export { default as TextField } from "./components/TextField.svelte";
export {
  formatDate,
  formatDateTime,
  formatDay,
  formatDayTime,
  formatDuration,
  formatMethod,
  formatMoney,
  formatPhone,
  formatPoints,
  formatRelative,
  formatTime,
  localeOf,
  pointsWord,
} from "./format.ts";
export {
  expiringText,
  multiplierText,
  nextTierText,
  notYetAvailableText,
  type Standing as MemberStanding,
  tierValueText,
} from "./standing.ts";
