// DESIGN: scheduling is deliberately simple and deterministic: least-loaded alive member,
// ties by name. Determinism makes a restarted controller recompute the same choices and
// lets the unit tests state exact expectations.
#include "ctl_sched.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dm_err.h"

int ctl_sched_pick(const ctl_sched_member *m, size_t n)
{
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        if (!m[i].alive)
            continue;
        if (best < 0 || m[i].load < m[best].load ||
            (m[i].load == m[best].load && strcmp(m[i].name, m[best].name) < 0))
            best = (int)i;
    }
    return best;
}

int ctl_sched_pick_free(const ctl_sched_member *m, size_t n, bool allow_shared)
{
    int best = -1;
    for (size_t i = 0; i < n; i++)
        if (m[i].alive && m[i].load == 0 && (best < 0 || strcmp(m[i].name, m[best].name) < 0))
            best = (int)i;
    if (best < 0 && allow_shared)
        best = ctl_sched_pick(m, n);
    return best;
}

int64_t ctl_sched_backoff_ms(unsigned attempt, int64_t min_ms, int64_t max_ms, double factor)
{
    if (min_ms <= 0)
        min_ms = 1000;
    if (max_ms <= 0)
        max_ms = 5 * 60 * 1000;
    if (factor < 1)
        factor = 2;
    double w = (double)min_ms;
    for (unsigned i = 0; i < attempt && w < (double)max_ms; i++)
        w *= factor;
    return w > (double)max_ms ? max_ms : (int64_t)w;
}

bool ctl_sched_retryable(int code)
{
    return code == DM_ERR_DB_RETRYABLE || code == DM_ERR_DB_CONNECT || code == DM_ERR_NET;
}

char *ctl_sched_task_status(char *out, size_t size, const char *task, const char *const *stages,
                            const bool *has_error, size_t n)
{
    bool paused = false, same = true;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(stages[i], "Paused") == 0) {
            if (has_error[i]) {
                snprintf(out, size,
                         "Error - Some error occurred in subtask. Please run `query-status %s` to "
                         "get more details.",
                         task);
                return out;
            }
            paused = true;
        }
        if (strcmp(stages[i], stages[0]) != 0)
            same = false;
    }
    snprintf(out, size, "%s", n == 0 ? "Stopped" : paused ? "Paused" : same ? stages[0] : "Running");
    return out;
}

// file_seq returns the numeric suffix of a binlog file name ("mysql-bin.000012" -> 12).
static unsigned long long file_seq(const char *f)
{
    const char *dot = strrchr(f, '.');
    return dot ? strtoull(dot + 1, NULL, 10) : 0;
}

int ctl_sched_loc_cmp(const ctl_sched_loc *a, const ctl_sched_loc *b)
{
    unsigned long long sa = file_seq(a->file), sb = file_seq(b->file);
    if (sa != sb)
        return sa < sb ? -1 : 1;
    int c = strcmp(a->file, b->file);
    if (c)
        return c;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

void ctl_sched_relay_start(ctl_sched_loc *out, const ctl_sched_loc *ckpts, size_t n,
                           const ctl_sched_loc *cfg)
{
    const ctl_sched_loc *low = NULL;
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        if (!ckpts[i].file || !*ckpts[i].file)
            continue;
        if (!low || ctl_sched_loc_cmp(&ckpts[i], low) < 0)
            low = &ckpts[i];
    }
    if (low) {
        // Whole files only: a relay starts at a file's beginning, at or before the checkpoint.
        out->file = low->file;
        out->pos = 4;
        return;
    }
    if (cfg && cfg->gtid && *cfg->gtid) {
        out->gtid = cfg->gtid;
        return;
    }
    if (cfg && cfg->file && *cfg->file) {
        out->file = cfg->file;
        out->pos = 4;
    }
}
