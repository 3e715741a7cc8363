/** What a script driving the simulator can branch on. */
export const EXIT_OK = 0;
/** The server refused (its problem code is printed), or could not be reached. */
export const EXIT_REFUSED = 1;
/** The command line was wrong, or the local profile is missing or unusable. */
export const EXIT_USAGE = 2;

export type ExitCode = typeof EXIT_OK | typeof EXIT_REFUSED | typeof EXIT_USAGE;
