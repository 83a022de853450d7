import { UserInputError } from '../errors';

/**
 * Runs a command whose refusals the user can fix (a taken slug, an unknown id, an empty target): such an error is
 * printed as a message and the command exits 1, without a stack; anything else stays a failure.
 */
export async function refusing(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof UserInputError)) throw error;
    process.stderr.write(`mailtrail: ${error.message}\n`);
    return 1;
  }
}
