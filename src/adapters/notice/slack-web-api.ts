import { createRequire } from 'node:module';
import type * as SlackWebApi from '@slack/web-api';

let loaded: typeof SlackWebApi | undefined;

/**
 * Slack's Web API client, loaded on first use: a service without a Slack bot never pays for
 * it (about 4 MB resident). `require` also sidesteps its named exports, which break under
 * Node's ESM loader (see stack.md).
 */
export function slackWebApi(): typeof SlackWebApi {
  loaded ??= createRequire(import.meta.url)('@slack/web-api') as typeof SlackWebApi;
  return loaded;
}
