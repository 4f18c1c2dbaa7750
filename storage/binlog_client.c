// DESIGN: the replica side of the MySQL/MariaDB replication protocol.
//
// libmariadb does the handshake, authentication and TLS. The replication commands are sent
// raw through the connection's command method (mysql->methods->db_command, which is what
// libmariadb's own ma_simple_command expands to; the symbol ma_simple_command itself is not
// exported by libmariadb.so.3). The stream is then read with mysql_net_read_packet(), which
// reassembles payloads split in 16 MiB - 1 chunks and turns an ERR packet into mysql_errno /
// mysql_error; mariadb_rpl_* is not used because it parses events we only want to carry raw.
//
// Positions are tracked in 64 bits: the next offset is the current one plus event_size, and
// a non-zero header log_pos only corrects the low 32 bits (it moves forward across holes that
// the server leaves when it skips GTID groups). A log_pos of 0 (fake ROTATE, re-sent FDE,
// events past 4 GiB on some servers) is never used as a position.
#include "binlog_client.h"

#include <errmsg.h>
#include <mysqld_error.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <zlib.h>

#include "dm_log.h"
#include "gtid.h"

#define EV_HEADER 19
#define EV_ROTATE 4
#define EV_FDE 15
#define EV_HEARTBEAT 27
#define EV_HEARTBEAT_V2 41
#define EV_FLAG_ARTIFICIAL 0x20
// MySQL's COM_BINLOG_DUMP_GTID. libmariadb's enum has no name for 0x1E (it calls it
// COM_UNSUPPORTED) but sends it as given: a MariaDB server answers 1047 Unknown command.
#define COM_BINLOG_DUMP_GTID_MYSQL ((enum enum_server_command)0x1E)

struct binlog_client {
    MYSQL *conn;
    binlog_client_upstream up;
    binlog_client_state st;
    char start_desc[600];  // the requested start, for error messages
    atomic_bool interrupted;
};

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

// parse_version reads "major.minor" from the front of a version string.
static void parse_version(const char *v, int *major, int *minor)
{
    *major = *minor = 0;
    if (sscanf(v, "%d.%d", major, minor) < 1)
        *major = 0;
}

int binlog_client_check_upstream(binlog_client_upstream *out, MYSQL *conn, dm_err *err)
{
    int rc;
    MYSQL_RES *r = NULL;
    MYSQL_ROW row;
    char *uuid = NULL;
    int major, minor;

    memset(out, 0, sizeof(*out));
    if ((rc = dm_mysql_query(&r, conn,
                             "SELECT @@global.log_bin, @@global.binlog_format, "
                             "@@global.binlog_row_image, @@global.server_id, @@version, "
                             "@@global.binlog_checksum",
                             err)))
        goto done;
    if (!r || !(row = mysql_fetch_row(r))) {
        rc = dm_err_set(err, BINLOG_CLIENT_ERR_UPSTREAM_CHECK, DM_ERR_SCOPE_UPSTREAM,
                        "upstream check: the variables query returned no row");
        goto done;
    }
    const char *log_bin = row[0] ? row[0] : "NULL";
    const char *format = row[1] ? row[1] : "NULL";
    const char *image = row[2] ? row[2] : "NULL";
    snprintf(out->version, sizeof(out->version), "%s", row[4] ? row[4] : "");
    out->server_id = row[3] ? (uint32_t)strtoul(row[3], NULL, 10) : 0;
    out->checksum_crc32 = row[5] && strcasecmp(row[5], "CRC32") == 0;
    out->flavor = strstr(out->version, "MariaDB") ? BINLOG_CLIENT_MARIADB : BINLOG_CLIENT_MYSQL;
    parse_version(out->version, &major, &minor);

    if (strcmp(log_bin, "1") != 0 && strcasecmp(log_bin, "ON") != 0) {
        rc = dm_err_set(err, BINLOG_CLIENT_ERR_UPSTREAM_CHECK, DM_ERR_SCOPE_UPSTREAM,
                        "upstream check: log_bin is %s; the binary log must be on", log_bin);
        dm_err_workaround(err, "start the upstream with log-bin (and a server-id) and restart it");
        goto done;
    }
    if (strcasecmp(format, "ROW") != 0) {
        rc = dm_err_set(err, BINLOG_CLIENT_ERR_UPSTREAM_CHECK, DM_ERR_SCOPE_UPSTREAM,
                        "upstream check: binlog_format is %s; it must be ROW", format);
        dm_err_workaround(err, "SET GLOBAL binlog_format=ROW and set binlog_format=ROW in the "
                               "server's configuration");
        goto done;
    }
    if (strcasecmp(image, "FULL") != 0) {
        rc = dm_err_set(err, BINLOG_CLIENT_ERR_UPSTREAM_CHECK, DM_ERR_SCOPE_UPSTREAM,
                        "upstream check: binlog_row_image is %s; it must be FULL", image);
        dm_err_workaround(err, "SET GLOBAL binlog_row_image=FULL and set it in the server's "
                               "configuration");
        goto done;
    }
    if (out->server_id == 0) {
        rc = dm_err_set(err, BINLOG_CLIENT_ERR_UPSTREAM_CHECK, DM_ERR_SCOPE_UPSTREAM,
                        "upstream check: server_id is 0; a binlogging server needs a non-zero id");
        dm_err_workaround(err, "set server-id to a unique non-zero value and restart the upstream");
        goto done;
    }
    if ((out->flavor == BINLOG_CLIENT_MARIADB && major < 10) ||
        (out->flavor == BINLOG_CLIENT_MYSQL && (major < 5 || (major == 5 && minor < 7)))) {
        rc = dm_err_set(err, BINLOG_CLIENT_ERR_UPSTREAM_CHECK, DM_ERR_SCOPE_UPSTREAM,
                        "upstream check: version is %s; supported are MariaDB 10.0+ and MySQL 5.7+",
                        out->version);
        dm_err_workaround(err, "upgrade the upstream server");
        goto done;
    }
    if (out->flavor == BINLOG_CLIENT_MYSQL) {
        if ((rc = dm_mysql_query_value(&uuid, conn, "SELECT @@server_uuid", err)))
            goto done;
        snprintf(out->server_uuid, sizeof(out->server_uuid), "%s", uuid ? uuid : "");
    }
done:
    free(uuid);
    if (r)
        mysql_free_result(r);
    return rc;
}

int binlog_client_master_status(char *file, size_t file_size, uint64_t *pos, char *gtid_out,
                                size_t gtid_size, MYSQL *conn, dm_err *err)
{
    int rc;
    MYSQL_RES *r = NULL;
    MYSQL_ROW row;
    char *g = NULL;

    if ((rc = dm_mysql_query(&r, conn, "SHOW MASTER STATUS", err)))
        goto done;
    if (!r || !(row = mysql_fetch_row(r)) || !row[0] || !row[1]) {
        rc = dm_err_set(err, BINLOG_CLIENT_ERR_UPSTREAM_CHECK, DM_ERR_SCOPE_UPSTREAM,
                        "SHOW MASTER STATUS returned no row: the upstream's binary log is off");
        dm_err_workaround(err, "start the upstream with log-bin");
        goto done;
    }
    snprintf(file, file_size, "%s", row[0]);
    *pos = strtoull(row[1], NULL, 10);
    if (gtid_out) {
        gtid_out[0] = '\0';
        if (!strstr(mysql_get_server_info(conn), "MariaDB")) {
            // MySQL: the fifth column, Executed_Gtid_Set.
            if (mysql_num_fields(r) >= 5 && row[4])
                snprintf(gtid_out, gtid_size, "%s", row[4]);
            goto done;
        }
        if ((rc = dm_mysql_query_value(&g, conn, "SELECT @@global.gtid_binlog_pos", err)))
            goto done;
        snprintf(gtid_out, gtid_size, "%s", g ? g : "");
    }
done:
    free(g);
    if (r)
        mysql_free_result(r);
    return rc;
}

// valid_gtid_text accepts the characters of a MariaDB GTID list only, so that the text can
// be put between quotes in SQL without escaping.
static bool valid_gtid_text(const char *s)
{
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || *s == '-' || *s == ',' || *s == ' '))
            return false;
    return true;
}

// send_command sends one raw command packet; with expect_ok the reply must be OK.
static int send_command(binlog_client *c, enum enum_server_command cmd, const uint8_t *arg,
                        size_t len, bool expect_ok, const char *what, dm_err *err)
{
    if (c->conn->methods->db_command(c->conn, cmd, (const char *)arg, len, expect_ok ? 0 : 1, NULL)) {
        unsigned n = mysql_errno(c->conn);
        if (n == ER_SLAVE_SAME_ID) {
            dm_mysql_error(err, c->conn, BINLOG_CLIENT_ERR_SAME_ID, what);
            dm_err_workaround(err, "give this source a unique server-id");
            return BINLOG_CLIENT_ERR_SAME_ID;
        }
        return dm_mysql_error(err, c->conn, n && n < 2000 ? BINLOG_CLIENT_ERR_FATAL : BINLOG_CLIENT_ERR_DISCONNECTED, what);
    }
    return 0;
}

static int set_session(binlog_client *c, const binlog_client_options *o, dm_err *err)
{
    int rc = 0;
    char sql[1024];
    bool maria = c->up.flavor == BINLOG_CLIENT_MARIADB;
    unsigned long long hb_ns = (unsigned long long)o->heartbeat_ms * 1000000ULL;

    // The dump thread reads these when the dump starts; a checksum-aware replica must say
    // so or a CRC32 binlog is refused with 1236.
    if ((rc = dm_mysql_exec(c->conn, "SET @master_binlog_checksum=@@global.binlog_checksum", err)))
        goto done;
    snprintf(sql, sizeof(sql), "SET @master_heartbeat_period=%llu", hb_ns);
    if ((rc = dm_mysql_exec(c->conn, sql, err)))
        goto done;
    if (!maria) {
        // MySQL 8.0.26+ reads the renamed variables; older servers ignore them.
        if ((rc = dm_mysql_exec(c->conn, "SET @source_binlog_checksum=@@global.binlog_checksum", err)))
            goto done;
        snprintf(sql, sizeof(sql), "SET @source_heartbeat_period=%llu", hb_ns);
        if ((rc = dm_mysql_exec(c->conn, sql, err)))
            goto done;
        goto done;
    }
    // Capability 4 (GTID): real GTID/GTID_LIST/BINLOG_CHECKPOINT events, no dummy events.
    if ((rc = dm_mysql_exec(c->conn, "SET @mariadb_slave_capability=4", err)))
        goto done;
    if (o->start_gtid && *o->start_gtid) {
        snprintf(sql, sizeof(sql), "SET @slave_connect_state='%s'", o->start_gtid);
        if ((rc = dm_mysql_exec(c->conn, sql, err)))
            goto done;
    }
    snprintf(sql, sizeof(sql), "SET @slave_gtid_strict_mode=%d", o->gtid_strict_mode ? 1 : 0);
    if ((rc = dm_mysql_exec(c->conn, sql, err)))
        goto done;
    snprintf(sql, sizeof(sql), "SET @slave_gtid_ignore_duplicates=%d", o->gtid_ignore_duplicates ? 1 : 0);
    rc = dm_mysql_exec(c->conn, sql, err);
done:
    if (rc)
        dm_err_prefix(err, "setting replica session variables");
    return rc;
}

static int register_replica(binlog_client *c, uint32_t server_id, dm_err *err)
{
    uint8_t buf[4 + 1 + 1 + 1 + 2 + 4 + 4];
    size_t n = 0;
    put32(buf, server_id);
    n = 4;
    buf[n++] = 0; // report_host
    buf[n++] = 0; // user
    buf[n++] = 0; // password
    put16(buf + n, 0); // port
    n += 2;
    put32(buf + n, 0); // rank
    n += 4;
    put32(buf + n, 0); // master id
    n += 4;
    return send_command(c, COM_REGISTER_SLAVE, buf, n, true, "COM_REGISTER_SLAVE failed", err);
}

int binlog_client_encode_dump_gtid(dm_buf *out, uint32_t server_id, const char *gtid_text, bool non_block,
                                   dm_err *err)
{
    int rc;
    gtid_set *set = NULL;
    dm_buf enc;
    uint8_t head[2 + 4 + 4 + 8 + 4];

    dm_buf_init(&enc);
    if ((rc = gtid_set_parse(&set, GTID_FLAVOR_MYSQL, gtid_text ? gtid_text : "", err))) {
        dm_err_prefix(err, "MySQL GTID start");
        goto done;
    }
    if ((rc = gtid_set_encode(&enc, set, err)))
        goto done;
    if (enc.len > UINT32_MAX) {
        rc = dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL, "the GTID set is too large to send");
        goto done;
    }
    // flags (THROUGH_GTID 0x04, NON_BLOCK 0x01), server_id, an empty file name, position 4,
    // then the encoded set (the server reads its size and data unconditionally).
    put16(head, (uint16_t)(0x04 | (non_block ? 0x01 : 0x00)));
    put32(head + 2, server_id);
    put32(head + 6, 0);
    put32(head + 10, 4);
    put32(head + 14, 0);
    put32(head + 18, (uint32_t)enc.len);
    if ((rc = dm_buf_append(out, head, sizeof(head))) || (rc = dm_buf_append(out, enc.data, enc.len)))
        dm_err_set(err, rc, DM_ERR_SCOPE_INTERNAL, "out of memory");
done:
    dm_buf_fini(&enc);
    gtid_set_destroy(set);
    return rc;
}

static int start_dump(binlog_client *c, const binlog_client_options *o, dm_err *err)
{
    int rc;
    const char *file = (o->start_gtid && *o->start_gtid) ? "" : (o->start_file ? o->start_file : "");
    uint64_t pos = o->start_pos ? o->start_pos : 4;
    size_t flen = strlen(file);
    uint8_t *buf = NULL;

    if (o->start_gtid && *o->start_gtid && c->up.flavor == BINLOG_CLIENT_MYSQL) {
        dm_buf pkt;
        dm_buf_init(&pkt);
        rc = binlog_client_encode_dump_gtid(&pkt, o->replica_server_id, o->start_gtid, o->non_block, err);
        if (!rc)
            rc = send_command(c, COM_BINLOG_DUMP_GTID_MYSQL, (const uint8_t *)pkt.data, pkt.len, false,
                              "COM_BINLOG_DUMP_GTID failed", err);
        dm_buf_fini(&pkt);
        c->st.file[0] = '\0';
        c->st.pos = 4;
        goto done;
    }
    if (pos > UINT32_MAX) {
        // COM_BINLOG_DUMP carries 32 bits; MariaDB can only resume past 4 GiB by GTID.
        rc = dm_err_set(err, DM_ERR_UNSUPPORTED, DM_ERR_SCOPE_UPSTREAM,
                        "cannot start a dump at %s:%llu: positions past 4 GiB need a GTID start",
                        file, (unsigned long long)pos);
        goto done;
    }
    buf = malloc(10 + flen);
    if (!buf) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        goto done;
    }
    put32(buf, (uint32_t)pos);
    // MariaDB: ask for ANNOTATE_ROWS too, so that the stream has no holes and the relay keeps
    // every event of the file (on MySQL bit 0x02 would ask for v2 heartbeats instead).
    put16(buf + 4, (uint16_t)((o->non_block ? 0x01 : 0x00) | (c->up.flavor == BINLOG_CLIENT_MARIADB ? 0x02 : 0x00)));
    put32(buf + 6, o->replica_server_id);
    memcpy(buf + 10, file, flen);
    rc = send_command(c, COM_BINLOG_DUMP, buf, 10 + flen, false, "COM_BINLOG_DUMP failed", err);
    snprintf(c->st.file, sizeof(c->st.file), "%s", file);
    c->st.pos = pos;
done:
    free(buf);
    return rc;
}

int binlog_client_open(binlog_client **out, const binlog_client_options *o, dm_err *err)
{
    int rc;
    binlog_client *c = calloc(1, sizeof(*c));
    dm_mysql_params p;

    *out = NULL;
    if (!c) {
        rc = dm_err_set(err, DM_ERR_NOMEM, DM_ERR_SCOPE_INTERNAL, "out of memory");
        goto done;
    }
    if (!o->replica_server_id) {
        rc = dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                        "the replica server_id must not be 0 (the upstream treats 0 as a one-shot dump)");
        goto done;
    }
    if (o->start_gtid && *o->start_gtid)
        snprintf(c->start_desc, sizeof(c->start_desc), "GTID %s", o->start_gtid);
    else
        snprintf(c->start_desc, sizeof(c->start_desc), "%s:%llu",
                 o->start_file && *o->start_file ? o->start_file : "(first binlog)",
                 (unsigned long long)(o->start_pos ? o->start_pos : 4));
    p = o->conn;
    // With heartbeats a silent connection means a dead upstream: give up after a few periods.
    p.read_timeout_s = o->heartbeat_ms ? (unsigned)(o->heartbeat_ms * 3 / 1000 + 5) : 0;
    if ((rc = dm_mysql_connect(&c->conn, &p, err)))
        goto done;
    if (o->skip_checks) {
        char *v = NULL;
        if ((rc = dm_mysql_query_value(&v, c->conn, "SELECT @@global.binlog_checksum", err)))
            goto done;
        c->up.checksum_crc32 = v && strcasecmp(v, "CRC32") == 0;
        free(v);
        snprintf(c->up.version, sizeof(c->up.version), "%s", mysql_get_server_info(c->conn));
        c->up.flavor = strstr(c->up.version, "MariaDB") ? BINLOG_CLIENT_MARIADB : BINLOG_CLIENT_MYSQL;
    } else if ((rc = binlog_client_check_upstream(&c->up, c->conn, err))) {
        goto done;
    }
    // The MariaDB position goes between quotes in SQL: only its own characters pass. (A MySQL
    // set is parsed and sent in binary.)
    if (o->start_gtid && c->up.flavor == BINLOG_CLIENT_MARIADB && !valid_gtid_text(o->start_gtid)) {
        rc = dm_err_set(err, DM_ERR_INVALID_ARG, DM_ERR_SCOPE_INTERNAL,
                        "invalid MariaDB GTID position '%s': expected D-S-N[,D-S-N...]", o->start_gtid);
        goto done;
    }
    c->st.non_block = o->non_block;
    c->st.fake_crc32 = c->up.checksum_crc32;
    c->st.crc32 = c->up.checksum_crc32;
    if ((rc = set_session(c, o, err)))
        goto done;
    if ((rc = register_replica(c, o->replica_server_id, err)))
        goto done;
    if ((rc = start_dump(c, o, err)))
        goto done;
    *out = c;
    c = NULL;
done:
    binlog_client_destroy(c);
    return rc;
}

const binlog_client_upstream *binlog_client_upstream_info(const binlog_client *c) { return &c->up; }

void binlog_client_interrupt(binlog_client *c)
{
    atomic_store(&c->interrupted, true);
    // Shutting the socket down wakes a thread blocked in a read without closing the
    // descriptor under it; the reader sees the flag and reports a cancel.
    my_socket fd = mysql_get_socket(c->conn);
    if (fd >= 0)
        shutdown(fd, SHUT_RDWR);
}

void binlog_client_destroy(binlog_client *c)
{
    if (!c)
        return;
    if (c->conn)
        mysql_close(c->conn);
    free(c);
}

// stream_error maps an error seen while reading the stream.
static int stream_error(binlog_client *c, dm_err *err)
{
    unsigned n = mysql_errno(c->conn);
    const char *msg = mysql_error(c->conn);
    char what[1024];

    if (atomic_load(&c->interrupted))
        return dm_err_set(err, DM_ERR_CANCELLED, DM_ERR_SCOPE_INTERNAL, "binlog stream interrupted");
    if (n == ER_MASTER_FATAL_ERROR_READING_BINLOG) {
        bool purged = strstr(msg, "Could not find first log file") || strstr(msg, "not in the master's binlog") ||
                      strstr(msg, "purged") || strstr(msg, "Could not find GTID") ||
                      strstr(msg, "which is not in the master's binlog");
        snprintf(what, sizeof(what), "%s: the upstream cannot send the binlog from %.300s (stream at %.200s:%llu)",
                 purged ? "requested binlog not on the upstream (purged, or never written)"
                        : "fatal error reading the upstream's binlog",
                 c->start_desc, *c->st.file ? c->st.file : "(not started)", (unsigned long long)c->st.pos);
        dm_mysql_error(err, c->conn, purged ? BINLOG_CLIENT_ERR_PURGED : BINLOG_CLIENT_ERR_FATAL, what);
        if (err)
            err->scope = DM_ERR_SCOPE_UPSTREAM;
        if (purged)
            dm_err_workaround(err, "start the relay from a position or GTID the upstream still has "
                                   "(SHOW BINARY LOGS); the events in between are lost, so re-run "
                                   "the full migration if they matter");
        return purged ? BINLOG_CLIENT_ERR_PURGED : BINLOG_CLIENT_ERR_FATAL;
    }
    if (n == ER_SLAVE_SAME_ID) {
        snprintf(what, sizeof(what), "another replica is connected with the same server_id");
        dm_mysql_error(err, c->conn, BINLOG_CLIENT_ERR_SAME_ID, what);
        dm_err_workaround(err, "give this source a unique server-id");
        if (err)
            err->scope = DM_ERR_SCOPE_UPSTREAM;
        return BINLOG_CLIENT_ERR_SAME_ID;
    }
    snprintf(what, sizeof(what), "binlog stream from %.200s ended at %.200s:%llu", mysql_get_host_info(c->conn),
             c->st.file, (unsigned long long)c->st.pos);
    dm_mysql_error(err, c->conn, BINLOG_CLIENT_ERR_DISCONNECTED, what);
    // Any other error, client or server (shutdown, kill), ends this dump: the caller
    // reconnects from its last durable position.
    if (err)
        err->code = BINLOG_CLIENT_ERR_DISCONNECTED;
    return BINLOG_CLIENT_ERR_DISCONNECTED;
}

// crc_ok checks the CRC32 trailer of an event of n bytes.
static bool crc_ok(const uint8_t *ev, size_t n)
{
    uLong crc = crc32(0L, ev, (uInt)(n - 4));
    return (uint32_t)crc == le32(ev + n - 4);
}

static int protocol_error(const binlog_client_state *st, dm_err *err, const char *fmt, const char *detail,
                          size_t n)
{
    char what[512];
    snprintf(what, sizeof(what), fmt, detail, n);
    return dm_err_set(err, BINLOG_CLIENT_ERR_PROTOCOL, DM_ERR_SCOPE_UPSTREAM, "%s at %s:%llu", what,
                      st->file, (unsigned long long)st->pos);
}

int binlog_client_decode(binlog_client_event *out, binlog_client_state *st, const uint8_t *p, size_t len,
                         dm_err *err)
{
    memset(out, 0, offsetof(binlog_client_event, file));
    out->file[0] = '\0';
    out->format_resend = false;
    out->checksum_crc32 = false;
    if (len == 0)
        return protocol_error(st, err, "%sempty packet (%zu bytes)", "", len);
    if (p[0] == 0xFE && len < 9) {
        if (!st->non_block)
            // A blocking dump only ends like this when the upstream stops it (shutdown).
            return dm_err_set(err, BINLOG_CLIENT_ERR_DISCONNECTED, DM_ERR_SCOPE_UPSTREAM,
                              "the upstream ended the binlog dump at %s:%llu (server shutdown?)",
                              st->file, (unsigned long long)st->pos);
        out->kind = BINLOG_CLIENT_EOF;
        snprintf(out->file, sizeof(out->file), "%s", st->file);
        out->pos = out->next_pos = st->pos;
        return 0;
    }
    if (p[0] != 0x00)
        return protocol_error(st, err, "unexpected packet marker %s0x%02zx in the binlog stream", "", (size_t)p[0]);
    const uint8_t *ev = p + 1;
    size_t n = len - 1;
    if (n < EV_HEADER)
        return protocol_error(st, err, "%sshort event packet (%zu bytes)", "", n);
    uint32_t size = le32(ev + 9);
    if (size != n)
        return protocol_error(st, err, "%sevent_size does not match the packet length %zu", "", n);
    out->data = ev;
    out->len = n;
    out->timestamp = le32(ev);
    out->type = ev[4];
    out->server_id = le32(ev + 5);
    out->flags = le16(ev + 17);
    uint32_t log_pos = le32(ev + 13);

    if (out->type == EV_ROTATE && ((out->flags & EV_FLAG_ARTIFICIAL) || out->timestamp == 0)) {
        size_t crc = st->fake_crc32 ? 4 : 0;
        if (n < EV_HEADER + 8 + crc)
            return protocol_error(st, err, "%sshort fake ROTATE (%zu bytes)", "", n);
        if (crc && !crc_ok(ev, n))
            return dm_err_set(err, BINLOG_CLIENT_ERR_CHECKSUM, DM_ERR_SCOPE_UPSTREAM,
                              "fake ROTATE event failed its CRC32 check after %s:%llu", st->file,
                              (unsigned long long)st->pos);
        size_t name_len = n - EV_HEADER - 8 - crc;
        if (name_len == 0 || name_len >= sizeof(st->file))
            return protocol_error(st, err, "%sfake ROTATE with a file name of %zu bytes", "", name_len);
        memcpy(st->file, ev + EV_HEADER + 8, name_len);
        st->file[name_len] = '\0';
        st->pos = le64(ev + EV_HEADER);
        out->kind = BINLOG_CLIENT_FAKE_ROTATE;
        snprintf(out->file, sizeof(out->file), "%s", st->file);
        out->pos = out->next_pos = st->pos;
        out->checksum_crc32 = st->crc32;
        return 0;
    }
    if (out->type == EV_HEARTBEAT || out->type == EV_HEARTBEAT_V2) {
        size_t crc = st->fake_crc32 ? 4 : 0;
        const uint8_t *body = ev + EV_HEADER;
        size_t blen = n - EV_HEADER >= crc ? n - EV_HEADER - crc : 0;
        uint64_t hpos = log_pos;
        if (out->type == EV_HEARTBEAT && log_pos == 0 && blen >= 8) {
            // MariaDB past 4 GiB: a u64 position precedes the file name.
            hpos = le64(body);
            body += 8;
            blen -= 8;
        }
        out->kind = BINLOG_CLIENT_HEARTBEAT;
        out->data = NULL;
        out->len = 0;
        if (out->type == EV_HEARTBEAT && blen < sizeof(out->file)) {
            memcpy(out->file, body, blen);
            out->file[blen] = '\0';
        } else {
            snprintf(out->file, sizeof(out->file), "%s", st->file);
        }
        out->pos = out->next_pos = hpos ? hpos : st->pos;
        out->checksum_crc32 = st->crc32;
        return 0;
    }
    out->kind = BINLOG_CLIENT_EVENT;
    if (out->type == EV_FDE) {
        // The algorithm byte sits before the FDE's 4-byte checksum field (servers that know
        // checksums always write that field); it rules every later event of this file.
        if (n < EV_HEADER + 57 + 5)
            return protocol_error(st, err, "%sshort FORMAT_DESCRIPTION event (%zu bytes)", "", n);
        st->crc32 = ev[n - 5] == 1;
    }
    out->checksum_crc32 = st->crc32;
    if (st->crc32 && !crc_ok(ev, n))
        return dm_err_set(err, BINLOG_CLIENT_ERR_CHECKSUM, DM_ERR_SCOPE_UPSTREAM,
                          "event of type %u (%zu bytes) at %s:%llu failed its CRC32 check", out->type, n,
                          st->file, (unsigned long long)st->pos);
    snprintf(out->file, sizeof(out->file), "%s", st->file);
    if (out->type == EV_FDE && (log_pos == 0 || (out->flags & EV_FLAG_ARTIFICIAL))) {
        // Re-sent for a start past 4: it does not occupy stream bytes here.
        out->format_resend = true;
        out->pos = out->next_pos = st->pos;
        return 0;
    }
    if (out->flags & EV_FLAG_ARTIFICIAL) {
        // Generated by the dump thread, not in the file (MariaDB sends a GTID_LIST like this
        // where a GTID start begins sending): it occupies no position and is never data.
        out->kind = BINLOG_CLIENT_ARTIFICIAL;
        out->pos = out->next_pos = st->pos;
        return 0;
    }
    uint64_t next = st->pos + n;
    if (log_pos != 0 && (uint32_t)next != log_pos) {
        // The server skipped bytes (GTID groups before the start): follow its log_pos,
        // keeping the high bits we tracked, and never move backwards.
        uint64_t cand = (st->pos & ~(uint64_t)UINT32_MAX) | log_pos;
        if (cand < st->pos + n)
            cand += (uint64_t)1 << 32;
        next = cand;
    }
    out->pos = next - n;
    out->next_pos = next;
    st->pos = next;
    if (out->type == EV_ROTATE) {
        // A real ROTATE ends this file; the stream continues in the named file.
        size_t crc = st->crc32 ? 4 : 0;
        if (n < EV_HEADER + 8 + crc + 1 || n - EV_HEADER - 8 - crc >= sizeof(st->file))
            return protocol_error(st, err, "%sROTATE event of %zu bytes", "", n);
        size_t name_len = n - EV_HEADER - 8 - crc;
        memcpy(st->file, ev + EV_HEADER + 8, name_len);
        st->file[name_len] = '\0';
        st->pos = le64(ev + EV_HEADER);
    }
    return 0;
}

int binlog_client_read(binlog_client_event *out, binlog_client *c, dm_err *err)
{
    if (atomic_load(&c->interrupted))
        return dm_err_set(err, DM_ERR_CANCELLED, DM_ERR_SCOPE_INTERNAL, "binlog stream interrupted");
    unsigned long len = mysql_net_read_packet(c->conn);
    if (len == packet_error || len == 0 || atomic_load(&c->interrupted))
        return stream_error(c, err);
    return binlog_client_decode(out, &c->st, c->conn->net.read_pos, len, err);
}
