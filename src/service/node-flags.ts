/**
 * The V8 heap settings every launcher of the service passes to node: `npm start`,
 * `bin/lifeline`, `deploy/Dockerfile` and the systemd units (`test/service/node-flags.test.ts`
 * keeps them in step).
 *
 * V8 sizes its heap from the machine, not from the program: on a 24 GB host it allows a 4 GB
 * old generation, lets it grow to four times what survived the last full collection before
 * collecting again, and gives the young generation two 16 MB semi-spaces. The service holds
 * about 30 MB of live objects under load, so those defaults only decide how much garbage waits
 * to be collected: its resident memory reached 230 MB at 120 requests/s. A 256 MB old
 * generation brings V8's growth factor down to its minimum (1.3), and 8 MB semi-spaces keep
 * short-lived request data young; together they hold the peak under 150 MB at the same rate
 * (README, "Memory"). 256 MB is still eight times the live set, and the API cannot be made
 * to hold much at once: bodies are capped at 256 KB and read only after authentication.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = [
  '--max-old-space-size=256',
  '--max-semi-space-size=8',
];
