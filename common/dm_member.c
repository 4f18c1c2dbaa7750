// DESIGN: one loop, one dm_rpc client, no thread of its own: the caller's thread drives
// registration, keepalives and the owner's reconcile, so the owner's callbacks never race
// each other. The sleep between rounds waits on a condition variable so a stop request
// ends it at once.
#include "dm_member.h"
#include "dm_time.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dm_log.h"
#include "dm_rpc.h"

#define COMP "member"

struct dm_member {
    dm_member_opts o;
    char *name, *role, *addr, *join;
    int64_t ttl_ms;
    atomic_bool stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

int dm_member_create(dm_member **out, const dm_member_opts *opts, dm_err *err)
{
    *out = NULL;
    if (!opts || !opts->name || !opts->role || !opts->addr || !opts->join || !opts->ops.status ||
        !opts->ops.reconcile)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "a member needs a name, role, address, controller address and callbacks");
    dm_member *m = calloc(1, sizeof(*m));
    if (!m)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    m->o = *opts;
    m->name = strdup(opts->name);
    m->role = strdup(opts->role);
    m->addr = strdup(opts->addr);
    m->join = strdup(opts->join);
    m->ttl_ms = opts->initial_ttl_ms > 0 ? opts->initial_ttl_ms : 10000;
    if (!m->o.keepalive_ms)
        m->o.keepalive_ms = 1000;
    pthread_mutex_init(&m->mu, NULL);
    pthread_cond_init(&m->cv, NULL);
    if (!m->name || !m->role || !m->addr || !m->join) {
        dm_member_destroy(m);
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
    }
    *out = m;
    return 0;
}

void dm_member_destroy(dm_member *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->mu);
    pthread_cond_destroy(&m->cv);
    free(m->name);
    free(m->role);
    free(m->addr);
    free(m->join);
    free(m);
}

void dm_member_stop(dm_member *m)
{
    pthread_mutex_lock(&m->mu);
    atomic_store(&m->stop, true);
    pthread_cond_broadcast(&m->cv);
    pthread_mutex_unlock(&m->mu);
}

int64_t dm_member_ttl_ms(const dm_member *m)
{
    return m->ttl_ms;
}

static int do_register(dm_member *m, dm_rpc_client *c, dm_err *err)
{
    json_t *res = NULL;
    json_t *p = json_pack("{s:s, s:s, s:s}", "name", m->name, "role", m->role, "addr", m->addr);
    int rc = dm_rpc_client_call(&res, NULL, c, "register", p, NULL, 0, 3000, err);
    json_decref(p);
    if (rc == 0) {
        json_int_t ttl = json_integer_value(json_object_get(res, "keepalive_ttl_ms"));
        if (ttl > 0)
            m->ttl_ms = ttl;
        dm_info(COMP, "%s %s registered with %s (keepalive TTL %lld ms)", m->role, m->name, m->join,
                (long long)m->ttl_ms);
    }
    json_decref(res);
    return rc;
}

// sleep_until waits until the monotonic time `at` or a stop request.
static void sleep_until(dm_member *m, int64_t at)
{
    int64_t wait = at - dm_time_mono_ms();
    if (wait <= 0)
        return;
    struct timespec ts = dm_time_deadline_ms(wait);
    pthread_mutex_lock(&m->mu);
    if (!atomic_load(&m->stop))
        pthread_cond_timedwait(&m->cv, &m->mu, &ts);
    pthread_mutex_unlock(&m->mu);
}

int dm_member_run(dm_member *m, dm_err *err)
{
    char url[512];
    dm_rpc_client *cli = NULL;
    bool registered = false, fenced = false;
    int64_t last_ack = dm_time_mono_ms(); // send time of the last acknowledged keepalive
    int rc;
    dm_err e;

    if ((rc = dm_rpc_url(url, sizeof(url), m->join, err)) || (rc = dm_rpc_client_open(&cli, url, err)))
        goto done;
    while (!atomic_load(&m->stop)) {
        int64_t sent = dm_time_mono_ms();
        dm_err_clear(&e);
        if (!registered) {
            int r = do_register(m, cli, &e);
            if (r == DM_MEMBER_ERR_NAME_TAKEN) {
                if (err)
                    *err = e;
                rc = r;
                goto done;
            }
            registered = r == 0;
            if (!registered)
                dm_warn(COMP, "register with %s: %s", m->join, e.message);
        }
        if (registered) {
            json_t *status = m->o.ops.status(m->o.arg), *res = NULL;
            json_t *p = json_pack("{s:s, s:s, s:o}", "name", m->name, "role", m->role, "status",
                                  status ? status : json_object());
            int timeout = (int)(m->ttl_ms / 3 > 500 ? m->ttl_ms / 3 : 500);
            int r = dm_rpc_client_call(&res, NULL, cli, "keepalive", p, NULL, 0, timeout, &e);
            json_decref(p);
            if (r == 0) {
                last_ack = sent;
                if (fenced)
                    dm_info(COMP, "controller %s answers again", m->join);
                fenced = false;
                m->o.ops.reconcile(m->o.arg, res);
            } else {
                if (r == DM_MEMBER_ERR_NOT_REGISTERED)
                    registered = false;
                dm_warn(COMP, "keepalive to %s: %s", m->join, e.message);
            }
            json_decref(res);
        }
        if (dm_time_mono_ms() - last_ack > m->ttl_ms && m->o.ops.fence) {
            if (!fenced)
                dm_warn(COMP, "no keepalive acknowledged for %lld ms (TTL %lld ms)", (long long)(dm_time_mono_ms() - last_ack),
                        (long long)m->ttl_ms);
            fenced = true;
            m->o.ops.fence(m->o.arg);
        }
        sleep_until(m, sent + m->o.keepalive_ms);
    }
    rc = 0;
done:
    dm_rpc_client_close(cli);
    return rc;
}
