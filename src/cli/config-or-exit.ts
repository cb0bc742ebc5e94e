import { ConfigError, loadConfig, type Config } from '../config.js';
import { fail } from './output.js';

/** Loads `.env` (when present) and the configuration, or ends with the readable list of problems. */
export function configOrExit(): Config {
  try {
    process.loadEnvFile();
  } catch {
    // No .env file: the environment alone configures the service.
  }
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}
