// dm_time: the two clocks the daemons use.
//
// - dm_time_mono_ms / dm_time_mono_s: CLOCK_MONOTONIC, for durations, timeouts and rates
//   (never jumps with the wall clock).
// - dm_time_deadline_ms: CLOCK_REALTIME now + ms, the absolute time pthread_cond_timedwait
//   takes with a default condition variable.
//
// Thread-safe, no state, no errors.
#ifndef DM_TIME_H
#define DM_TIME_H

#include <stdint.h>
#include <time.h>

// dm_time_mono_ms returns the monotonic clock in milliseconds.
int64_t dm_time_mono_ms(void);

// dm_time_mono_s returns the monotonic clock in seconds.
double dm_time_mono_s(void);

// dm_time_deadline_ms returns the real time ms milliseconds from now (ms < 0 counts as 0).
struct timespec dm_time_deadline_ms(int64_t ms);

#endif
