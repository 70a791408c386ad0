/**
 * Polls until `check` holds or the time is up, and returns the last value read (the caller's
 * assertion then says what was expected). For what another process does after a commit: the
 * site hearing about a change, a job running.
 */
export async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let v = await read()
  while (!check(v) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200))
    v = await read()
  }
  return v
}
