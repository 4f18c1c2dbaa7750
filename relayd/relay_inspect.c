// DESIGN: a plain reader over the store: lock, open, seek (position or GTID set), then print
// every durable event until the end; or, through a running relayd, the same listing built
// from the segment stream (each shipped segment decoded with relay_store_segment_iter, the
// events before the requested start skipped). Event names follow the server's own
// Log_event::get_type_str so that the output can be compared with SHOW BINLOG EVENTS.
#include "relay_inspect.h"
#include "relay_remote.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "dm_rpc.h"
#include "gtid.h"
#include "relay_source.h"
#include "relay_store.h"

const char *relay_event_type_name(uint8_t type)
{
    switch (type) {
    case 1: return "Start_v3";
    case 2: return "Query";
    case 3: return "Stop";
    case 4: return "Rotate";
    case 5: return "Intvar";
    case 6: return "Load";
    case 8: return "Create_file";
    case 9: return "Append_block";
    case 10: return "Exec_load";
    case 11: return "Delete_file";
    case 12: return "New_load";
    case 13: return "RAND";
    case 14: return "User_var"; // the server says "User var": one word keeps lines splittable
    case 15: return "Format_desc";
    case 16: return "Xid";
    case 17: return "Begin_load_query";
    case 18: return "Execute_load_query";
    case 19: return "Table_map";
    case 20: return "Write_rows_event_old";
    case 21: return "Update_rows_event_old";
    case 22: return "Delete_rows_event_old";
    case 23: return "Write_rows_v1";
    case 24: return "Update_rows_v1";
    case 25: return "Delete_rows_v1";
    case 26: return "Incident";
    case 27: return "Heartbeat";
    case 28: return "Ignorable";
    case 29: return "Rows_query";
    case 30: return "Write_rows";
    case 31: return "Update_rows";
    case 32: return "Delete_rows";
    case 33: return "Gtid";
    case 34: return "Anonymous_Gtid";
    case 35: return "Previous_gtids";
    case 36: return "Transaction_context";
    case 37: return "View_change";
    case 38: return "XA_prepare";
    case 39: return "Update_rows_partial";
    case 40: return "Transaction_payload";
    case 41: return "Heartbeat_v2";
    case 160: return "Annotate_rows";
    case 161: return "Binlog_checkpoint";
    case 162: return "Gtid";
    case 163: return "Gtid_list";
    case 164: return "Start_encryption";
    case 165: return "Query_compressed";
    case 166: return "Write_rows_compressed_v1";
    case 167: return "Update_rows_compressed_v1";
    case 168: return "Delete_rows_compressed_v1";
    case 169: return "Write_rows_compressed";
    case 170: return "Update_rows_compressed";
    case 171: return "Delete_rows_compressed";
    default: return "Unknown";
    }
}

// parse_from reads "FILE:POS" (the last ':' splits, so file names may hold one).
static int parse_from(relay_store_pos *p, const char *text, dm_err *err)
{
    const char *colon = strrchr(text, ':');
    char *end = NULL;
    if (!colon || colon == text || (size_t)(colon - text) >= sizeof(p->file) || !colon[1])
        goto bad;
    unsigned long long v = strtoull(colon + 1, &end, 10);
    if (*end)
        goto bad;
    memcpy(p->file, text, (size_t)(colon - text));
    p->file[colon - text] = '\0';
    p->pos = v;
    return 0;
bad:
    return dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                      "--from '%s' is not FILE:POS (e.g. binlog.000001:4)", text);
}

static void print_event(FILE *out, const relay_store_event *ev)
{
    char g[GTID_TEXT_MAX] = "-";
    if (ev->has_gtid)
        gtid_format(g, sizeof(g), &ev->gtid);
    uint8_t type = ev->len > 4 ? ev->data[4] : 0;
    uint32_t server_id = ev->len >= 9 ? (uint32_t)ev->data[5] | (uint32_t)ev->data[6] << 8 |
                                            (uint32_t)ev->data[7] << 16 | (uint32_t)ev->data[8] << 24
                                      : 0;
    fprintf(out, "%" PRIu32 " %s:%" PRIu64 " %s %" PRIu32 " %s %zu\n", ev->epoch, ev->file, ev->pos,
            relay_event_type_name(type), server_id, g, ev->len);
}

// inspect_remote lists the events of the segments a running relayd ships, up to the durable
// end.
static int inspect_remote(FILE *out, const relay_inspect_opts *o, dm_err *err)
{
    int rc;
    relay_remote *r = NULL;
    relay_store_pos from;
    relay_store_event ev;
    bool resend;
    long long n = 0;

    memset(&from, 0, sizeof(from));
    if (o->from && (rc = parse_from(&from, o->from, err)))
        goto done;
    relay_remote_opts ro = {
        .addr = o->addr,
        .source_id = o->source_id,
        .epoch = o->from ? (uint32_t)o->epoch : 0,
        .file = o->from ? from.file : NULL,
        .pos = o->from ? from.pos : 0,
        .gtid = o->from ? NULL : o->gtid,
        .timeout_ms = 30000,
    };
    if ((rc = relay_remote_open(&r, &ro, err)))
        goto done;
    while (o->limit < 0 || n < o->limit) {
        if ((rc = relay_remote_next(&ev, &resend, r, err)))
            break;
        print_event(out, &ev);
        n++;
    }
    if (rc == RELAY_STORE_END)
        rc = 0;
done:
    relay_remote_close(r);
    return rc;
}

int relay_inspect_run(FILE *out, const relay_inspect_opts *o, dm_err *err)
{
    int rc;
    char *dir = NULL;
    relay_store *st = NULL;
    relay_store_reader *r = NULL;
    gtid_set *set = NULL;
    relay_store_durable d;
    relay_store_event ev;
    long long n = 0;
    int lock_fd = -1;

    if (o->addr) {
        rc = inspect_remote(out, o, err);
        goto flush;
    }
    memset(&d, 0, sizeof(d));
    if (asprintf(&dir, "%s/%s", o->relay_dir, o->source_id) < 0) {
        dir = NULL;
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        goto done;
    }
    if (access(dir, F_OK) != 0) {
        rc = dm_err_from_errno(err, errno, "relay store %s", dir);
        goto done;
    }
    if ((rc = relay_source_lock(&lock_fd, dir, err)))
        goto done;
    if ((rc = relay_store_open(&st, dir, NULL, err))) {
        dm_err_prefix(err, "relay store %s", dir);
        goto done;
    }
    if ((rc = relay_store_reader_create(&r, st, err)))
        goto done;
    if (o->gtid) {
        if ((rc = gtid_set_parse(&set, relay_store_flavor(st), o->gtid, err)))
            goto done;
        if ((rc = relay_store_reader_seek_gtid(r, set, err)))
            goto done;
    } else if (o->from) {
        relay_store_pos p;
        memset(&p, 0, sizeof(p));
        if ((rc = parse_from(&p, o->from, err)))
            goto done;
        p.epoch = o->epoch;
        if (!p.epoch) {
            if ((rc = relay_store_durable_pos(&d, st, err)))
                goto done;
            p.epoch = d.pos.epoch;
        }
        if ((rc = relay_store_reader_seek_pos(r, &p, err)))
            goto done;
    }
    while (o->limit < 0 || n < o->limit) {
        rc = relay_store_reader_next(&ev, r, err);
        if (rc == RELAY_STORE_END) {
            rc = 0;
            break;
        }
        if (rc)
            goto done;
        print_event(out, &ev);
        n++;
    }
done:
    relay_store_durable_fini(&d);
    gtid_set_destroy(set);
    relay_store_reader_destroy(r);
    relay_store_close(st);
    if (lock_fd >= 0)
        close(lock_fd);
    free(dir);
flush:
    if (fflush(out) != 0 && !rc)
        rc = dm_err_from_errno(err, errno, "cannot write the listing");
    return rc;
}
