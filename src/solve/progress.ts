// The progress callback of a solve loop, at most every progressIntervalMs (default 250), and
// always when forced (once at the end). Both loops report through it.

export function throttledProgress(
  settings: { onProgress?: unknown; progressIntervalMs?: number },
  now: () => number,
  report: () => Promise<void> | undefined,
): (force: boolean) => Promise<void> {
  let last = 0;
  return async (force) => {
    if (!settings.onProgress) return;
    if (!force && now() - last < (settings.progressIntervalMs ?? 250)) return;
    last = now();
    await report();
  };
}
