// Which saved version the Rules editor opens when none is asked for.

/**
 * The version the editor opens: a draft saved after the active version was published (the work
 * in progress), else the active version (after a rollback from history, what is active is the
 * draft: publishing a newer text again is a choice made in the history, not one click here),
 * else the newest.
 */
export function draftVersion<V extends { active: boolean; createdAt: Date | string; publishedAt: Date | string | null }>(
  versions: V[],
): V | null {
  const active = versions.find((v) => v.active);
  if (!active) return versions[0] ?? null;
  const since = new Date(active.publishedAt ?? active.createdAt).getTime();
  return versions.find((v) => !v.active && new Date(v.createdAt).getTime() > since) ?? active;
}
