// Exit statuses of quire-ci that mean more than "it failed" (SPEC §6): the
// server's outcome rule reads them. Any other non-zero status is a crash.

/** quire-ci could not write the run's files (disk full, read-only, I/O error) and stopped the run. */
export const EXIT_STORAGE_ERROR = 74;
