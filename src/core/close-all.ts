/**
 * Runs every close step even when one throws, then reports the first failure. Shutdown must not leave a Redis
 * connection open because a worker's close failed before it.
 */
export async function closeAll(steps: Array<() => Promise<unknown> | unknown>): Promise<void> {
  let firstError: unknown;
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      firstError ??= error;
    }
  }
  if (firstError !== undefined) throw firstError;
}
