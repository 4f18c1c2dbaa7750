// DESIGN: an evsource is a small vtable so the sync unit does not care whether events come
// from the upstream's replication stream or from relayd. The upstream implementation wraps
// binlog_client and hides its notifications (fake ROTATE, heartbeats), which carry no data;
// the relay implementation wraps relay_remote and turns "caught up" into idle items.
#include "evsource.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "binlog.h"
#include "binlog_client.h"
#include "relay_remote.h"

struct evsource {
    int (*read)(evsource_event *out, evsource *s, dm_err *err);
    void (*interrupt)(evsource *s);
    void (*destroy)(evsource *s);
    binlog_client *client;
    relay_remote *relay;
    char relay_file[EVSOURCE_FILE_MAX]; // where the relay reader is (for idle items)
    uint64_t relay_pos;
};

static int upstream_read(evsource_event *out, evsource *s, dm_err *err)
{
    for (;;) {
        binlog_client_event ev;
        int rc = binlog_client_read(&ev, s->client, err);
        if (rc)
            return rc;
        if (ev.kind == BINLOG_CLIENT_HEARTBEAT || ev.kind == BINLOG_CLIENT_EOF) {
            memset(out, 0, sizeof *out);
            out->idle = true;
            snprintf(out->file, sizeof out->file, "%s", ev.file);
            out->pos = out->next_pos = ev.pos;
            return 0;
        }
        if (ev.kind != BINLOG_CLIENT_EVENT)
            continue;
        out->data = ev.data;
        out->len = ev.len;
        out->type = ev.type;
        snprintf(out->file, sizeof out->file, "%s", ev.file);
        out->pos = ev.pos;
        out->next_pos = ev.next_pos;
        out->format_resend = ev.format_resend;
        out->idle = false;
        return 0;
    }
}

static void upstream_interrupt(evsource *s) { binlog_client_interrupt(s->client); }

static void upstream_destroy(evsource *s) { binlog_client_destroy(s->client); }

int evsource_open_upstream(evsource **out, const evsource_upstream_opts *o, dm_err *err)
{
    *out = NULL;
    if (!o || !o->start_file || !o->start_file[0] || !o->replica_server_id)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "evsource: the upstream source needs a start file and a server id");
    evsource *s = calloc(1, sizeof *s);
    if (!s)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "evsource: out of memory");
    binlog_client_options bo = {
        .conn = o->conn,
        .replica_server_id = o->replica_server_id,
        .start_file = o->start_file,
        .start_pos = o->start_pos ? o->start_pos : 4,
        .heartbeat_ms = o->heartbeat_ms ? o->heartbeat_ms : 1000,
    };
    int rc = binlog_client_open(&s->client, &bo, err);
    if (rc) {
        free(s);
        return rc;
    }
    s->read = upstream_read;
    s->interrupt = upstream_interrupt;
    s->destroy = upstream_destroy;
    *out = s;
    return 0;
}

static int relay_read(evsource_event *out, evsource *s, dm_err *err)
{
    relay_store_event ev;
    bool resend = false;
    int rc = relay_remote_next(&ev, &resend, s->relay, err);
    memset(out, 0, sizeof *out);
    if (rc == RELAY_STORE_END) {
        out->idle = true;
        snprintf(out->file, sizeof out->file, "%s", s->relay_file);
        out->pos = out->next_pos = s->relay_pos;
        return 0;
    }
    if (rc)
        return rc;
    out->data = ev.data;
    out->len = ev.len;
    out->type = ev.len > 4 ? ev.data[4] : 0;
    snprintf(out->file, sizeof out->file, "%s", ev.file);
    out->pos = ev.pos;
    out->next_pos = ev.next_pos;
    out->format_resend = resend;
    if (!resend) {
        snprintf(s->relay_file, sizeof s->relay_file, "%s", ev.file);
        s->relay_pos = ev.next_pos;
    }
    return 0;
}

static void relay_interrupt(evsource *s) { relay_remote_interrupt(s->relay); }

static void relay_destroy(evsource *s) { relay_remote_close(s->relay); }

int evsource_open_relay(evsource **out, const evsource_relay_opts *o, dm_err *err)
{
    *out = NULL;
    if (!o || !o->addr || !o->start_file || !o->start_file[0])
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                          "evsource: the relay source needs relayd's address and a start file");
    evsource *s = calloc(1, sizeof *s);
    if (!s)
        return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "evsource: out of memory");
    relay_remote_opts ro = {
        .addr = o->addr,
        .source_id = o->source_id,
        .file = o->start_file,
        .pos = o->start_pos ? o->start_pos : 4,
        .wait_ms = o->idle_ms ? o->idle_ms : 1000,
        .exact = true,
        .with_fde = true,
        .reader = o->reader,
    };
    int rc = relay_remote_open(&s->relay, &ro, err);
    if (rc) {
        free(s);
        return rc;
    }
    relay_remote_hold(s->relay, o->start_file, ro.pos);
    snprintf(s->relay_file, sizeof s->relay_file, "%s", o->start_file);
    s->relay_pos = ro.pos;
    s->read = relay_read;
    s->interrupt = relay_interrupt;
    s->destroy = relay_destroy;
    *out = s;
    return 0;
}

void evsource_hold(evsource *s, const char *file, uint64_t pos)
{
    if (s && s->relay)
        relay_remote_hold(s->relay, file, pos);
}

bool evsource_is_transient(int code)
{
    return code == BINLOG_CLIENT_ERR_DISCONNECTED || code == DM_ERR_DB_RETRYABLE ||
           code == DM_ERR_DB_CONNECT || relay_remote_is_transient(code);
}

int evsource_read(evsource_event *out, evsource *s, dm_err *err)
{
    if (!s || !out)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "evsource_read: NULL");
    return s->read(out, s, err);
}

void evsource_interrupt(evsource *s)
{
    if (s)
        s->interrupt(s);
}

void evsource_destroy(evsource *s)
{
    if (!s)
        return;
    s->destroy(s);
    free(s);
}
