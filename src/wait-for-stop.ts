/** Resolves once the process is asked to stop (the CLI's SIGINT/SIGTERM abort signal). */
export function waitForStop(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
