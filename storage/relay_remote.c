// DESIGN: the reader keeps one decoded segment at a time. The first request names the start
// (position or GTID set); every later one asks for the segment after the last one read,
// so relayd never skips a purged segment silently (it answers RELAY_STORE_ERR_PURGED).
// Events before the start inside the first segment are skipped here, and with `exact` the
// skipped events must lead exactly to the start position: a relay that began after it
// would otherwise hand a stream with a hole that nobody notices.
#include "relay_remote.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binlog.h"
#include "dm_rpc.h"

struct relay_remote {
    dm_rpc_client *client;
    char *source_id;
    char *file; // start file (NULL: GTID or first stored)
    uint64_t pos;
    uint32_t epoch;
    char *gtid_text;
    gtid_set *gtids; // parsed on the first segment (its flavour)
    unsigned wait_ms, timeout_ms;
    bool exact, with_fde;

    bool fde_sent;       // the mid-file FDE was handed (or is not needed)
    bool skipping;       // still before the start
    bool seen_file;      // an event of the start file was skipped
    uint64_t last_end;   // next_pos of the last skipped event of the start file
    bool have_segment;   // last_segment is set
    uint64_t last_segment;
    bool it_open;
    relay_store_segment_iter it;
    dm_buf data;
    atomic_bool cancelled;
    char *reader;
    char hold_file[RELAY_STORE_FILE_MAX]; // "" = no hold yet
    uint64_t hold_pos;
};

static int nomem(dm_err *err)
{
    return dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "relay_remote: out of memory");
}

static char *dup_or_null(const char *s, bool *failed)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *failed = true;
    return d;
}

int relay_remote_open(relay_remote **out, const relay_remote_opts *o, dm_err *err)
{
    int rc = 0;
    char url[512];
    relay_remote *r = NULL;
    bool failed = false;

    *out = NULL;
    if (!o || !o->addr || !o->addr[0]) {
        rc = dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                        "relay_remote: relayd's address is required");
        goto done;
    }
    if (!(r = calloc(1, sizeof *r))) {
        rc = nomem(err);
        goto done;
    }
    dm_buf_init(&r->data);
    r->source_id = dup_or_null(o->source_id, &failed);
    r->file = o->gtid ? NULL : dup_or_null(o->file, &failed);
    r->gtid_text = dup_or_null(o->gtid, &failed);
    r->reader = dup_or_null(o->reader, &failed);
    if (failed) {
        rc = nomem(err);
        goto done;
    }
    r->pos = o->pos ? o->pos : 4;
    r->epoch = o->epoch ? o->epoch : 1;
    r->wait_ms = o->wait_ms;
    r->timeout_ms = o->timeout_ms ? o->timeout_ms : 10000;
    r->exact = o->exact && r->file;
    r->with_fde = o->with_fde && r->file && r->pos > 4;
    r->fde_sent = !r->with_fde;
    r->skipping = r->file || r->gtid_text;
    if ((rc = dm_rpc_url(url, sizeof url, o->addr, err)) ||
        (rc = dm_rpc_client_open(&r->client, url, err)))
        goto done;
    *out = r;
    r = NULL;
done:
    relay_remote_close(r);
    return rc;
}

// base_params makes {"source": id} (or {} when relayd has one source), with the reader's
// hold when it has one.
static json_t *base_params(const relay_remote *r)
{
    json_t *p = json_object();
    if (!p)
        return NULL;
    if (r->source_id && json_object_set_new(p, "source", json_string(r->source_id)))
        goto fail;
    if (r->reader && r->hold_file[0] &&
        (json_object_set_new(p, "reader", json_string(r->reader)) ||
         json_object_set_new(p, "hold", json_pack("{s:s, s:I, s:I}", "file", r->hold_file, "pos",
                                                  (json_int_t)r->hold_pos, "epoch",
                                                  (json_int_t)r->epoch))))
        goto fail;
    return p;
fail:
    json_decref(p);
    return NULL;
}

void relay_remote_hold(relay_remote *r, const char *file, uint64_t pos)
{
    if (!r || !file)
        return;
    snprintf(r->hold_file, sizeof r->hold_file, "%s", file);
    r->hold_pos = pos;
}

static int call(json_t **res, relay_remote *r, const char *method, json_t *params, unsigned wait,
                dm_err *err)
{
    dm_buf_reset(&r->data);
    return dm_rpc_client_call(res, &r->data, r->client, method, params, NULL, 0,
                              (int)(wait + r->timeout_ms), err);
}

// send_fde fills *out with the start file's FORMAT_DESCRIPTION event from relayd.
static int send_fde(relay_store_event *out, relay_remote *r, dm_err *err)
{
    json_t *p = base_params(r), *res = NULL;
    int rc;
    if (!p || json_object_set_new(p, "file", json_string(r->file)) ||
        json_object_set_new(p, "epoch", json_integer(r->epoch))) {
        rc = nomem(err);
        goto done;
    }
    if ((rc = call(&res, r, "fde", p, 0, err))) {
        dm_err_prefix(err, "relayd: the format description of %s", r->file);
        goto done;
    }
    if (r->data.len < BINLOG_HEADER_LEN || r->data.data[4] != BINLOG_FORMAT_DESCRIPTION_EVENT) {
        rc = dm_err_set(err, RELAY_REMOTE_ERR_REPLY, DM_ERR_SCOPE_INTERNAL,
                        "relayd sent no format description event for %s", r->file);
        goto done;
    }
    memset(out, 0, sizeof *out);
    out->data = (const uint8_t *)r->data.data;
    out->len = r->data.len;
    out->epoch = r->epoch;
    out->file = r->file;
    out->pos = out->next_pos = r->pos;
    r->fde_sent = true;
done:
    json_decref(res);
    json_decref(p);
    return rc;
}

// fetch opens the next segment: the first at the start, then the one after the last.
// Returns RELAY_STORE_END when relayd has none newer (caught up).
static int fetch(relay_remote *r, dm_err *err)
{
    int rc = 0;
    json_t *p = base_params(r), *res = NULL;
    if (!p) {
        rc = nomem(err);
        goto done;
    }
    int bad = 0;
    if (r->have_segment) {
        bad |= json_object_set_new(p, "after_segment", json_integer((json_int_t)r->last_segment));
    } else if (r->file) {
        bad |= json_object_set_new(p, "file", json_string(r->file));
        bad |= json_object_set_new(p, "pos", json_integer((json_int_t)r->pos));
        bad |= json_object_set_new(p, "epoch", json_integer(r->epoch));
    } else if (r->gtid_text) {
        bad |= json_object_set_new(p, "gtid", json_string(r->gtid_text));
    }
    bad |= json_object_set_new(p, "wait_ms", json_integer(r->wait_ms));
    if (bad) {
        rc = nomem(err);
        goto done;
    }
    if ((rc = call(&res, r, "segments", p, r->wait_ms, err))) {
        if (!r->have_segment && r->file &&
            (rc == RELAY_STORE_ERR_UNKNOWN_POS || rc == RELAY_STORE_ERR_PURGED)) {
            dm_err_prefix(err, "the relay does not hold the start (%s, %" PRIu64 ")", r->file,
                          r->pos);
            dm_err_workaround(err, "relay this source from an earlier binlog file "
                                   "(relay-binlog-name), or read the upstream directly");
        }
        goto done;
    }
    json_t *seg = json_object_get(res, "segment");
    if (json_is_null(seg) || !seg) {
        rc = RELAY_STORE_END;
        goto done;
    }
    json_t *id = json_object_get(seg, "id");
    if (!json_is_object(seg) || !json_is_integer(id)) {
        rc = dm_err_set(err, RELAY_REMOTE_ERR_REPLY, DM_ERR_SCOPE_INTERNAL,
                        "relayd's segment reply has no segment id");
        goto done;
    }
    if ((rc = relay_store_segment_iter_init(&r->it, r->data.data, r->data.len, err)))
        goto done;
    r->it_open = true;
    r->have_segment = true;
    r->last_segment = (uint64_t)json_integer_value(id);
done:
    json_decref(res);
    json_decref(p);
    return rc;
}

// file_cmp orders (epoch, file) against the start's: binlog file names of one server
// sort by their number.
static int file_cmp(const relay_remote *r, const relay_store_event *ev)
{
    if (ev->epoch != r->epoch)
        return ev->epoch < r->epoch ? -1 : 1;
    return strcmp(ev->file, r->file);
}

// before_start tells whether ev precedes the start position (and records what it skips).
static int before_start(bool *out, relay_remote *r, const relay_store_event *ev, dm_err *err)
{
    *out = false;
    if (r->gtid_text) {
        if (!r->gtids && gtid_set_parse(&r->gtids, r->it.flavor, r->gtid_text, err))
            return err ? err->code : DM_ERR_INVALID_ARG;
        *out = !ev->has_gtid || gtid_set_contains_gtid(r->gtids, &ev->gtid);
        return 0;
    }
    int c = file_cmp(r, ev);
    if (c == 0 && ev->pos < r->pos) {
        r->seen_file = true;
        r->last_end = ev->next_pos;
    }
    *out = c < 0 || (c == 0 && ev->pos < r->pos);
    return 0;
}

// prev_ends_at_start looks at the segment before segment id (the one the first event handed
// came from, which begins in a later file than the start): the start is held when the
// start file's last event there ends exactly at the start position (a reader that stopped
// right after a ROTATE).
static int prev_ends_at_start(bool *out, relay_remote *r, uint64_t id, dm_err *err)
{
    int rc = 0;
    json_t *p = base_params(r), *res = NULL;
    relay_store_segment_iter it;
    bool it_open = false;
    memset(&it, 0, sizeof it);
    *out = false;
    if (id < 2)
        goto done;
    if (!p || json_object_set_new(p, "after_segment", json_integer((json_int_t)(id - 2)))) {
        rc = nomem(err);
        goto done;
    }
    if (call(&res, r, "segments", p, 0, NULL))
        goto done; // purged or unreadable: the start is not shown to be held
    if (!json_is_object(json_object_get(res, "segment")) ||
        relay_store_segment_iter_init(&it, r->data.data, r->data.len, NULL))
        goto done;
    it_open = true;
    relay_store_event ev;
    uint64_t end = 0;
    bool seen = false;
    while (relay_store_segment_iter_next(&ev, &it, NULL) == 0)
        if (file_cmp(r, &ev) == 0) {
            seen = true;
            end = ev.next_pos;
        }
    *out = seen && end == r->pos;
done:
    if (it_open)
        relay_store_segment_iter_fini(&it);
    json_decref(res);
    json_decref(p);
    return rc;
}

// check_start verifies, with `exact`, that the relay holds the start position.
static int check_start(relay_remote *r, const relay_store_event *ev, dm_err *err)
{
    if (!r->exact)
        return 0;
    int c = file_cmp(r, ev);
    if ((c == 0 && ev->pos == r->pos) || (r->seen_file && r->last_end == r->pos))
        return 0;
    if (c > 0 && !r->seen_file) {
        bool held;
        int rc = prev_ends_at_start(&held, r, ev->segment, err);
        if (rc || held)
            return rc;
    }
    dm_err_set(err, RELAY_REMOTE_ERR_GAP, DM_ERR_SCOPE_INTERNAL,
               "the relay does not hold (%s, %" PRIu64 "): the first stored event after it is "
               "(%s, %" PRIu64 ")",
               r->file, r->pos, ev->file, ev->pos);
    dm_err_workaround(err, "the relay of this source began after the position the reader "
                           "needs (or it was purged): relay it from an earlier binlog "
                           "position (relay-binlog-name), or read the upstream directly");
    return RELAY_REMOTE_ERR_GAP;
}

int relay_remote_next(relay_store_event *out, bool *format_resend, relay_remote *r, dm_err *err)
{
    int rc;
    *format_resend = false;
    if (!r || !out)
        return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "relay_remote_next: NULL");
    for (;;) {
        if (atomic_load(&r->cancelled))
            return dm_err_set(err, DM_ERR_CANCELLED, DM_ERR_SCOPE_INTERNAL, "relay reader interrupted");
        if (!r->fde_sent) {
            *format_resend = true;
            return send_fde(out, r, err);
        }
        if (!r->it_open && (rc = fetch(r, err)))
            return rc;
        rc = relay_store_segment_iter_next(out, &r->it, err);
        if (rc == RELAY_STORE_END) {
            relay_store_segment_iter_fini(&r->it);
            memset(&r->it, 0, sizeof r->it);
            r->it_open = false;
            continue;
        }
        if (rc)
            return rc;
        if (r->skipping) {
            bool before;
            if ((rc = before_start(&before, r, out, err)))
                return rc;
            if (before)
                continue;
            r->skipping = false;
            if (r->file && (rc = check_start(r, out, err)))
                return rc;
        }
        return 0;
    }
}

// relayd's RELAY_SOURCE_ERR_NOT_OPEN: a protocol answer while its store opens; its
// RELAY_RPC_ERR_NO_SOURCE: the source's relay is being handed to it.
#define RELAYD_ERR_NOT_OPEN 29101
#define RELAYD_ERR_NO_SOURCE 29201

bool relay_remote_is_transient(int code)
{
    return code == DM_ERR_TIMEOUT || code == DM_ERR_NET || code == RELAYD_ERR_NOT_OPEN || code == RELAYD_ERR_NO_SOURCE;
}

void relay_remote_interrupt(relay_remote *r)
{
    if (r)
        atomic_store(&r->cancelled, true);
}

void relay_remote_close(relay_remote *r)
{
    if (!r)
        return;
    if (r->it_open)
        relay_store_segment_iter_fini(&r->it);
    dm_rpc_client_close(r->client);
    gtid_set_destroy(r->gtids);
    dm_buf_fini(&r->data);
    free(r->source_id);
    free(r->file);
    free(r->gtid_text);
    free(r->reader);
    free(r);
}
