// ctl_sched: the controller's scheduling decisions as pure functions (no I/O, no locks), so
// they are unit-tested on plain arrays: which member takes a subtask or a relay, how long to
// wait before the next auto-resume, which errors auto-resume, a task's DM status, and where
// a relay moved to a relayd without a store must start.
//
// Threading: every function is reentrant.
#ifndef CTL_SCHED_H
#define CTL_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ctl_sched_member {
    const char *name;
    bool alive; // registered and within its keepalive TTL
    unsigned load; // subtasks (appliers) or relayed sources (relayds) bound to it
} ctl_sched_member;

// ctl_sched_pick returns the index of the alive member with the smallest load (ties go to
// the smallest name, so the choice is stable), or -1 when no member is alive.
int ctl_sched_pick(const ctl_sched_member *m, size_t n);

// ctl_sched_pick_free returns the index of the alive member with load 0 (smallest name
// first), else, when allow_shared, the ctl_sched_pick choice; -1 when none fits.
int ctl_sched_pick_free(const ctl_sched_member *m, size_t n, bool allow_shared);

// ctl_sched_backoff_ms is the wait before auto-resume number `attempt` (0 for the first):
// min_ms * factor^attempt, capped at max_ms (min_ms <= 0: 1000; factor < 1: 2; max_ms <= 0:
// 5 minutes, DM's default).
int64_t ctl_sched_backoff_ms(unsigned attempt, int64_t min_ms, int64_t max_ms, double factor);

// ctl_sched_retryable tells whether an error code stops a subtask only for a while (lost or
// refused database connection, transient database error, network): such a subtask is
// resumed automatically; any other error needs a person.
bool ctl_sched_retryable(int code);

// ctl_sched_task_status writes into out DM's task status for subtasks with the given
// stages ("New", "Running", "Paused", "Stopped", "Finished") and whether each has an error:
// any Paused with an error -> "Error - Some error occurred in subtask. Please run
// `query-status TASK` to get more details."; else any Paused -> "Paused"; all the same
// stage -> that stage; else "Running". n == 0 gives "Stopped". Returns out.
char *ctl_sched_task_status(char *out, size_t size, const char *task, const char *const *stages,
                            const bool *has_error, size_t n);

// A binlog location for ctl_sched_relay_start.
typedef struct ctl_sched_loc {
    const char *file; // "" or NULL: unknown
    uint64_t pos;
    const char *gtid; // "" or NULL: none
} ctl_sched_loc;

// ctl_sched_relay_start picks where a relay of a source must start on a relayd that has no
// store for it: the lowest of the subtasks' reported sync checkpoints (files compared by
// their numeric suffix, then position), else the source's relay-binlog-gtid/-name (cfg),
// else nothing (*out zeroed: the relayd asks the upstream for its earliest binlog). The
// strings in *out point into the inputs. A start never lies past any checkpoint, so the
// appliers find every event they need.
void ctl_sched_relay_start(ctl_sched_loc *out, const ctl_sched_loc *ckpts, size_t n,
                           const ctl_sched_loc *cfg);

// ctl_sched_loc_cmp orders two locations of one server by (file suffix number, file name,
// position). Returns <0, 0, >0.
int ctl_sched_loc_cmp(const ctl_sched_loc *a, const ctl_sched_loc *b);

#endif
