/**
 * Run as a child process: starts the service from the environment, then prints (as JSON) which
 * of the optional integration packages the process has loaded.
 */
import { createRequire } from 'node:module';
import { loadConfig } from '../../src/config.js';
import { startService } from '../../src/service/start.js';

const watched = ['pg', '@slack/web-api'];
const service = await startService(loadConfig(process.env), {
  roles: { api: true, worker: true },
});
const loaded = Object.keys(createRequire(import.meta.url).cache);
const result = Object.fromEntries(
  watched.map((name) => [name, loaded.some((path) => path.includes(`/node_modules/${name}/`))]),
);
await service.stop(1_000);
process.stdout.write(JSON.stringify(result));
