/* A due date as people type it, as a record holds it, and whether it is
 * already past: the one rule `itaku instruct --due` and `itaku contract
 * amend --start/--end/--work-start` share (a date in the past asks for
 * --backdated, issue 16 point 3). */
#ifndef ITAKU_DUE_TIME_H
#define ITAKU_DUE_TIME_H

/* Writes into out the time given stands for as a due date: a date alone
 * "YYYY-MM-DD" is 23:59:59 that day on the clock offset_minutes east of UTC
 * (the contract's zone, Asia/Tokyo: 540), "2027-01-31T23:59:59+09:00"; an
 * RFC 3339 time with an offset is kept as given. *past gets 1 when that
 * time is before now (RFC 3339, the registry's clock), else 0 (also when
 * now cannot be read). A day is thus past only once it has ended.
 * Errors: ITK_EINVALID when given is neither (the message names it; out
 * and *past then unset). */
int itk_due_time(char out[40], int *past, const char *given, int offset_minutes, const char *now);

#endif
