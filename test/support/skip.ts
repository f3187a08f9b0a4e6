/**
 * Skips the running test or hook and prints why, indented under its title: a skip that says
 * nothing reads like a pass in the output.
 */
export function skipBecause(running: Mocha.Context, reason: string): never {
  console.log(`      skipped: ${reason}`);
  running.skip();
}
