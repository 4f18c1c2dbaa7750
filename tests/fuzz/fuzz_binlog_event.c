// fuzz_binlog_event: arbitrary bytes through the binlog codec as a relay would see them.
// Byte 0 picks the starting context (bit 0: MariaDB or MySQL default FDE, bit 1: CRC32,
// bit 2: verify checksums, bit 7: treat the rest as one MySQL binary JSON document); the
// rest is a run of events: FDEs replace the context, table maps are kept, rows are walked
// with every value rendered as SQL, TRANSACTION_PAYLOAD inner events are decoded too.
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "binlog.h"
#include "dm_buf.h"

typedef struct ctx {
    binlog_fde fde;
    binlog_table_map *tm;
    dm_buf scratch, scratch2, sql;
    binlog_row row;
    binlog_trx trx;
} ctx;

static void decode_rows(ctx *c, const binlog_event *ev, dm_buf *scratch)
{
    binlog_rows rows;
    if (binlog_rows_decode(&rows, &c->fde, ev, scratch, NULL))
        return;
    for (int n = 0; n < 10000; n++) {
        bool end;
        if (binlog_rows_next(&c->row, &end, &rows, c->tm, NULL) || end)
            return;
        for (int img = 0; img < 2; img++) {
            const binlog_value *vals = img ? c->row.after : c->row.before;
            if (!vals)
                continue;
            for (uint32_t i = 0; i < c->row.column_count; i++) {
                dm_buf_reset(&c->sql);
                if (vals[i].kind == BINLOG_VALUE_JSON_DIFF)
                    binlog_json_diff_to_sql(&c->sql, &vals[i], "`j`", NULL);
                else if (vals[i].kind != BINLOG_VALUE_ABSENT)
                    binlog_value_to_sql(&c->sql, &vals[i], &c->tm->columns[i], NULL);
            }
        }
    }
}

static void decode_event(ctx *c, const binlog_event *ev, int depth)
{
    union {
        binlog_rotate rot;
        binlog_query q;
        binlog_intvar iv;
        binlog_rand rd;
        binlog_user_var uv;
        binlog_mariadb_gtid_event mg;
        binlog_mysql_gtid_event yg;
        binlog_heartbeat hb;
        binlog_xa_prepare xa;
        binlog_incident inc;
        binlog_str s;
        uint64_t x;
    } u;
    unsigned tb;
    binlog_trx_feed(&tb, &c->trx, ev, NULL);
    binlog_event_is_ignorable(ev);
    switch (ev->header.type) {
    case BINLOG_FORMAT_DESCRIPTION_EVENT: {
        binlog_fde f;
        if (binlog_fde_decode(&f, ev->data, ev->size, NULL) == 0)
            c->fde = f;
        break;
    }
    case BINLOG_ROTATE_EVENT: binlog_rotate_decode(&u.rot, ev, NULL); break;
    case BINLOG_QUERY_EVENT:
    case BINLOG_QUERY_COMPRESSED_EVENT: binlog_query_decode(&u.q, ev, &c->scratch2, NULL); break;
    case BINLOG_INTVAR_EVENT: binlog_intvar_decode(&u.iv, ev, NULL); break;
    case BINLOG_RAND_EVENT: binlog_rand_decode(&u.rd, ev, NULL); break;
    case BINLOG_USER_VAR_EVENT: binlog_user_var_decode(&u.uv, ev, NULL); break;
    case BINLOG_XID_EVENT: binlog_xid_decode(&u.x, ev, NULL); break;
    case BINLOG_MARIADB_GTID_EVENT: binlog_mariadb_gtid_decode(&u.mg, ev, NULL); break;
    case BINLOG_GTID_EVENT:
    case BINLOG_ANONYMOUS_GTID_EVENT: binlog_mysql_gtid_decode(&u.yg, ev, NULL); break;
    case BINLOG_HEARTBEAT_EVENT:
    case BINLOG_HEARTBEAT_EVENT_V2: binlog_heartbeat_decode(&u.hb, ev, NULL); break;
    case BINLOG_XA_PREPARE_EVENT: binlog_xa_prepare_decode(&u.xa, ev, NULL); break;
    case BINLOG_INCIDENT_EVENT: binlog_incident_decode(&u.inc, ev, NULL); break;
    case BINLOG_BINLOG_CHECKPOINT_EVENT: binlog_checkpoint_decode(&u.s, ev, NULL); break;
    case BINLOG_ANNOTATE_ROWS_EVENT:
    case BINLOG_ROWS_QUERY_EVENT: binlog_rows_query_decode(&u.s, ev, NULL); break;
    case BINLOG_GTID_LIST_EVENT: {
        binlog_gtid_list gl;
        binlog_gtid_list_decode(&gl, ev, NULL);
        binlog_gtid_list_fini(&gl);
        break;
    }
    case BINLOG_PREVIOUS_GTIDS_EVENT: {
        binlog_mysql_gtid_set gs;
        binlog_previous_gtids_decode(&gs, ev, NULL);
        binlog_mysql_gtid_set_fini(&gs);
        break;
    }
    case BINLOG_TABLE_MAP_EVENT: {
        binlog_table_map *tm;
        if (binlog_table_map_decode(&tm, &c->fde, ev, NULL) == 0) {
            binlog_table_map_destroy(c->tm);
            c->tm = tm;
            uint8_t uns[64];
            memset(uns, 1, sizeof uns);
            if (tm->column_count <= 64)
                binlog_table_map_apply_schema(tm, uns, NULL, tm->column_count, NULL);
        }
        break;
    }
    case BINLOG_TRANSACTION_PAYLOAD_EVENT: {
        binlog_payload p;
        if (depth > 0 || binlog_payload_decode(&p, ev, &c->scratch, NULL))
            break;
        for (int n = 0; n < 1000; n++) {
            binlog_event in;
            bool end;
            if (binlog_payload_next(&in, &end, &p, &c->fde, 0, NULL) || end)
                break;
            decode_event(c, &in, depth + 1);
        }
        break;
    }
    default:
        if ((ev->header.type >= 23 && ev->header.type <= 25) ||
            (ev->header.type >= 30 && ev->header.type <= 32) || ev->header.type == 39 ||
            (ev->header.type >= 166 && ev->header.type <= 171))
            decode_rows(c, ev, depth ? &c->scratch2 : &c->scratch);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    data++;
    size--;
    if (mode & 0x80) {
        dm_buf out;
        dm_buf_init(&out);
        binlog_json_to_text(&out, data, size, NULL);
        dm_buf_fini(&out);
        return 0;
    }
    ctx c;
    memset(&c, 0, sizeof c);
    binlog_fde_init_default(&c.fde, (mode & 1) ? BINLOG_FLAVOR_MYSQL : BINLOG_FLAVOR_MARIADB,
                            (mode & 2) ? BINLOG_CHECKSUM_CRC32 : BINLOG_CHECKSUM_OFF);
    dm_buf_init(&c.scratch);
    dm_buf_init(&c.scratch2);
    dm_buf_init(&c.sql);
    binlog_row_init(&c.row);
    binlog_trx_init(&c.trx);
    if (size >= 4 && memcmp(data, BINLOG_MAGIC, 4) == 0) {
        data += 4;
        size -= 4;
    }
    size_t off = 0;
    while (off < size) {
        binlog_event ev;
        if (binlog_event_parse(&ev, &c.fde, data + off, size - off, off + 4,
                               (mode & 4) ? BINLOG_PARSE_VERIFY_CHECKSUM : 0, NULL))
            break;
        decode_event(&c, &ev, 0);
        off += ev.size;
    }
    binlog_table_map_destroy(c.tm);
    binlog_row_fini(&c.row);
    binlog_trx_fini(&c.trx);
    dm_buf_fini(&c.scratch);
    dm_buf_fini(&c.scratch2);
    dm_buf_fini(&c.sql);
    return 0;
}
