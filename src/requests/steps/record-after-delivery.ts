/**
 * Records what an outside system already did (an email accepted, a notice posted). If this
 * write failed, the job would run again and repeat the delivery, so a passing database hiccup
 * (a pool timeout, a serialisation failure) is retried here first, a few times over about three
 * seconds, before the job is left to its own retry.
 */
export async function recordAfterDelivery<T>(write: () => Promise<T>, attempts = 5): Promise<T> {
  let delayMs = 100;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs *= 2;
    }
  }
}
