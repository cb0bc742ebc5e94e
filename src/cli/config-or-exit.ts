import { ConfigError, readConfiguration, type Config } from '../config.js';
import { fail } from './output.js';
import { cli } from './io.js';

/** The configuration every command reads (see readConfiguration), or the readable list of problems. */
export function configOrExit(): Config {
  try {
    return readConfiguration(cli().env);
  } catch (error) {
    // One problem reads as the one line every failure is; several keep their list.
    if (error instanceof ConfigError)
      fail(error.problems.length === 1 ? `${error.problems[0]}.` : error.message);
    throw error;
  }
}
