// binlog_client: a replica client that pulls the binlog stream from MySQL or MariaDB.
//
// It connects with libmariadb (auth, TLS), checks that the upstream can be replicated from,
// sets the replica session variables, sends COM_REGISTER_SLAVE and COM_BINLOG_DUMP itself,
// and reads the stream packet by packet (libmariadb reassembles events of 16 MiB or more).
// Each call to binlog_client_read returns one item: a real binlog event (raw bytes, header to
// CRC, exactly as in the upstream's file) with its 64-bit position, or a notification that
// is never data (fake ROTATE, other artificial events, heartbeat, EOF).
//
// A binlog_client is single-threaded, except binlog_client_interrupt, which any thread may
// call to make a blocked read return DM_ERR_CANCELLED.
//
// Error codes (relay class):
//   BINLOG_CLIENT_ERR_UPSTREAM_CHECK 29001  the upstream cannot be replicated from (binlog off,
//                                           binlog_format not ROW, binlog_row_image not FULL,
//                                           server_id 0, unsupported version); names the
//                                           variable, its value and the fix
//   BINLOG_CLIENT_ERR_PURGED         29002  the requested file/position/GTID is not in the
//                                           upstream's binlog any more (error 1236)
//   BINLOG_CLIENT_ERR_SAME_ID        29003  another replica uses the same server_id
//   BINLOG_CLIENT_ERR_DISCONNECTED   29004  the stream ended: connection lost, upstream
//                                           restarted or killed the dump; reconnect
//   BINLOG_CLIENT_ERR_PROTOCOL       29005  a malformed packet or event from the upstream
//   BINLOG_CLIENT_ERR_CHECKSUM       29006  an event failed its CRC32 check
//   BINLOG_CLIENT_ERR_FATAL          29007  another fatal error reading the binlog (1236), or
//                                           the dump was refused
// Also DM_ERR_DB_CONNECT / DM_ERR_DB / DM_ERR_DB_RETRYABLE (dm_mysql.h), DM_ERR_CANCELLED,
// DM_ERR_INVALID_ARG, DM_ERR_NOMEM, DM_ERR_UNSUPPORTED.
#ifndef BINLOG_CLIENT_H
#define BINLOG_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dm_buf.h"
#include "dm_err.h"
#include "dm_mysql.h"

#define BINLOG_CLIENT_ERR_UPSTREAM_CHECK 29001
#define BINLOG_CLIENT_ERR_PURGED 29002
#define BINLOG_CLIENT_ERR_SAME_ID 29003
#define BINLOG_CLIENT_ERR_DISCONNECTED 29004
#define BINLOG_CLIENT_ERR_PROTOCOL 29005
#define BINLOG_CLIENT_ERR_CHECKSUM 29006
#define BINLOG_CLIENT_ERR_FATAL 29007

#define BINLOG_CLIENT_FILE_MAX 512

typedef struct binlog_client binlog_client;

typedef enum binlog_client_flavor {
    BINLOG_CLIENT_MARIADB = 1,
    BINLOG_CLIENT_MYSQL = 2,
} binlog_client_flavor;

// What binlog_client_check_upstream learns about the upstream.
typedef struct binlog_client_upstream {
    binlog_client_flavor flavor;
    char version[128];     // @@version
    uint32_t server_id;    // @@server_id
    char server_uuid[64];  // MySQL @@server_uuid; empty on MariaDB
    bool checksum_crc32;   // @@global.binlog_checksum is CRC32
} binlog_client_upstream;

typedef struct binlog_client_options {
    dm_mysql_params conn;        // how to reach the upstream; read_timeout_s is set by the client
    uint32_t replica_server_id;  // registered server_id (must be unique among replicas, not 0)
    // Start: by GTID when start_gtid is set and not empty (MariaDB "D-S-N[,D-S-N...]" through
    // @slave_connect_state; MySQL "uuid:1-5,..." through COM_BINLOG_DUMP_GTID; the server then
    // chooses the file and position), else at (start_file, start_pos); an empty start_file
    // means the first binlog the server still has.
    const char *start_gtid;
    const char *start_file;
    uint64_t start_pos;          // 0 means 4
    uint32_t heartbeat_ms;       // heartbeat period asked from the server; 0 = none
    bool gtid_strict_mode;       // @slave_gtid_strict_mode
    bool gtid_ignore_duplicates; // @slave_gtid_ignore_duplicates
    bool non_block;              // end with a BINLOG_CLIENT_EOF at the end of the binlog
    bool skip_checks;            // do not run binlog_client_check_upstream (tests only)
} binlog_client_options;

typedef enum binlog_client_kind {
    BINLOG_CLIENT_EVENT = 1,     // a real event of the binlog file: data to keep
    BINLOG_CLIENT_FAKE_ROTATE,   // artificial ROTATE: the stream continues in file at pos; not data
    BINLOG_CLIENT_HEARTBEAT,     // nothing new; the upstream is at (file, pos); not data
    BINLOG_CLIENT_EOF,           // end of the binlog reached (non_block dumps only)
    BINLOG_CLIENT_ARTIFICIAL,    // another event with the ARTIFICIAL flag (MariaDB's fake
                                 // GTID_LIST at a GTID start): raw bytes given; not data
} binlog_client_kind;

typedef struct binlog_client_event {
    binlog_client_kind kind;
    // The raw event (19-byte header ... CRC) for EVENT, FAKE_ROTATE and ARTIFICIAL; NULL
    // otherwise. Owned
    // by the client, valid until the next binlog_client_read or destroy.
    const uint8_t *data;
    size_t len;
    uint8_t type;        // event type code (header byte 4)
    uint16_t flags;      // header flags
    uint32_t server_id;  // header server_id (the originating server)
    uint32_t timestamp;  // header timestamp
    // File and offset of the event (EVENT), or the position the stream is at (FAKE_ROTATE,
    // HEARTBEAT). next_pos is the offset after the event (pos + len for EVENT).
    char file[BINLOG_CLIENT_FILE_MAX];
    uint64_t pos;
    uint64_t next_pos;
    // For EVENT: an FDE the server re-sends because the dump started past offset 4 (its header
    // log_pos is 0). It describes the file but does not sit at pos: do not store it as data.
    bool format_resend;
    bool checksum_crc32; // the current file's events end in a CRC32 (from its FDE)
} binlog_client_event;

// The stream's position state, advanced by binlog_client_decode. binlog_client keeps one;
// tests and fuzzers drive it directly.
typedef struct binlog_client_state {
    char file[BINLOG_CLIENT_FILE_MAX]; // current binlog file ("" until the first fake ROTATE)
    uint64_t pos;     // offset of the next event of the stream in file
    bool crc32;       // the current file's events end in a CRC32 (from its FDE)
    bool fake_crc32;  // fake ROTATE and heartbeats carry one (@master_binlog_checksum)
    bool non_block;   // the dump ends with an EOF packet at the end of the binlog
} binlog_client_state;

// binlog_client_decode classifies one stream packet (as read from the connection: the
// 0x00 marker then the event, or an EOF packet) into *out and advances st. out->data points
// into pkt. Errors: BINLOG_CLIENT_ERR_PROTOCOL (malformed packet or event, naming the
// position), BINLOG_CLIENT_ERR_CHECKSUM, BINLOG_CLIENT_ERR_DISCONNECTED (EOF on a blocking
// dump: the upstream stopped it).
int binlog_client_decode(binlog_client_event *out, binlog_client_state *st, const uint8_t *pkt,
                         size_t len, dm_err *err);

// binlog_client_encode_dump_gtid appends to out the arguments of a MySQL
// COM_BINLOG_DUMP_GTID (everything after the command byte): flags (THROUGH_GTID, and
// NON_BLOCK when asked), server_id, an empty file name, position 4 and the binary encoding of
// the MySQL GTID set gtid_text (the transactions the server must skip). Errors: the GTID
// parser's (GTID_ERR_PARSE naming the offset), DM_ERR_NOMEM.
int binlog_client_encode_dump_gtid(dm_buf *out, uint32_t server_id, const char *gtid_text, bool non_block,
                                   dm_err *err);

// binlog_client_check_upstream reads the upstream's flavour, version, server_id, uuid and
// checksum into *out, and checks log_bin=ON, binlog_format=ROW, binlog_row_image=FULL,
// server_id != 0 and a supported version (MariaDB >= 10.0, MySQL >= 5.7). Errors:
// BINLOG_CLIENT_ERR_UPSTREAM_CHECK naming the variable, its value and the fix; DM_ERR_DB*.
int binlog_client_check_upstream(binlog_client_upstream *out, MYSQL *conn, dm_err *err);

// binlog_client_master_status reads the upstream's current binlog file and position
// (SHOW MASTER STATUS) and its GTID position: MariaDB @@gtid_binlog_pos, MySQL the
// Executed_Gtid_Set column (gtid_out may be NULL). Errors: BINLOG_CLIENT_ERR_UPSTREAM_CHECK when binlog is off; DM_ERR_DB*.
int binlog_client_master_status(char *file, size_t file_size, uint64_t *pos, char *gtid_out,
                                size_t gtid_size, MYSQL *conn, dm_err *err);

// binlog_client_open connects, checks the upstream (unless skip_checks), sets the session
// variables, registers as replica o->replica_server_id and starts the dump. *out receives
// the client (destroy with binlog_client_destroy). Errors: see the list above; a connect
// failure is DM_ERR_DB_CONNECT; a malformed GTID start is DM_ERR_INVALID_ARG (MariaDB) or the
// GTID parser's error (MySQL).
int binlog_client_open(binlog_client **out, const binlog_client_options *o, dm_err *err);

// binlog_client_upstream_info returns what the open check learned (valid while c lives).
const binlog_client_upstream *binlog_client_upstream_info(const binlog_client *c);

// binlog_client_read blocks for the next item of the stream and fills *out. Errors:
// BINLOG_CLIENT_ERR_DISCONNECTED (reconnect from the last stored position),
// BINLOG_CLIENT_ERR_PURGED, BINLOG_CLIENT_ERR_SAME_ID, BINLOG_CLIENT_ERR_FATAL,
// BINLOG_CLIENT_ERR_PROTOCOL, BINLOG_CLIENT_ERR_CHECKSUM, DM_ERR_CANCELLED. After an error the
// client is unusable: destroy it.
int binlog_client_read(binlog_client_event *out, binlog_client *c, dm_err *err);

// binlog_client_interrupt makes a blocked or later binlog_client_read of c return
// DM_ERR_CANCELLED. Thread-safe; c must stay alive until the reading thread is done with it.
void binlog_client_interrupt(binlog_client *c);

// binlog_client_destroy closes the connection and frees c. c may be NULL.
void binlog_client_destroy(binlog_client *c);

#endif
