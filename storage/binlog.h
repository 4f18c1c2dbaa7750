// binlog: the binlog event codec for MySQL 5.7/8.0 and MariaDB 10.x.
//
// Decodes raw binlog events (as read from a binlog file after its 4-byte magic, from a relay
// segment or from the replication stream) into plain structs. Every input is untrusted: each
// length is bounded against the event, and bad bytes give an error naming the event type,
// the event's position when known, and the field; nothing reads past the buffer.
//
// Model:
// - binlog_header_peek reads the 19-byte common header.
// - A binlog_fde (format description) comes from the file's FORMAT_DESCRIPTION event (or
//   binlog_fde_init_default before one is seen) and is passed to every later decode: it
//   gives the post-header lengths and the checksum algorithm.
// - binlog_event_parse bounds one event, optionally verifies its CRC32, and locates its
//   post-header and body (excluding the CRC). The per-type decoders take that view.
// - Decoded structs point into the event bytes (binlog_str) or into a caller-provided
//   scratch dm_buf (decompressed data); they are valid while those bytes are. Structs that
//   own memory have a _fini/_destroy.
// - Row events: binlog_table_map_decode (owns a copy of its event), binlog_rows_decode, then
//   binlog_rows_next per row into a binlog_row of typed binlog_value, rendered for DML by
//   binlog_value_to_sql.
// - binlog_trx tells transaction boundaries for both flavours.
// Everything here is single-threaded per object; distinct objects may be used on distinct
// threads. Nothing logs; errors go to the dm_err.
#ifndef BINLOG_H
#define BINLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dm_buf.h"
#include "dm_err.h"

// Error codes (binlog-op class, 22001-22499).
#define BINLOG_ERR_TRUNCATED 22001    // an event or field ends before its declared length
#define BINLOG_ERR_CHECKSUM 22002     // an event's CRC32 does not match its bytes
#define BINLOG_ERR_BAD_EVENT 22003    // malformed event: impossible length, count or field
#define BINLOG_ERR_BAD_FDE 22004      // a FORMAT_DESCRIPTION event that cannot be used
#define BINLOG_ERR_WRONG_TYPE 22005   // a decoder was given an event of another type
#define BINLOG_ERR_TABLE_MAP 22006    // a rows event does not match its table map
#define BINLOG_ERR_BAD_VALUE 22007    // a column value cannot be decoded (decimal, temporal, JSON)
#define BINLOG_ERR_DECOMPRESS 22008   // zlib or zstd data is corrupt or has the wrong size
#define BINLOG_ERR_UNSUPPORTED 22009  // valid but not supported (legacy types, compression algo)
#define BINLOG_ERR_TOO_LARGE 22010    // a declared size is beyond the decoder's limits

#define BINLOG_HEADER_LEN 19
#define BINLOG_MAGIC "\xfe" "bin"
#define BINLOG_MAGIC_LEN 4
// Largest decompressed size accepted (QUERY_COMPRESSED, compressed rows, TRANSACTION_PAYLOAD).
#define BINLOG_MAX_DECOMPRESSED (1024u * 1024u * 1024u)

typedef enum binlog_flavor {
    BINLOG_FLAVOR_MYSQL = 1,
    BINLOG_FLAVOR_MARIADB = 2,
} binlog_flavor;

// Event type codes.
enum {
    BINLOG_UNKNOWN_EVENT = 0,
    BINLOG_START_EVENT_V3 = 1,
    BINLOG_QUERY_EVENT = 2,
    BINLOG_STOP_EVENT = 3,
    BINLOG_ROTATE_EVENT = 4,
    BINLOG_INTVAR_EVENT = 5,
    BINLOG_RAND_EVENT = 13,
    BINLOG_USER_VAR_EVENT = 14,
    BINLOG_FORMAT_DESCRIPTION_EVENT = 15,
    BINLOG_XID_EVENT = 16,
    BINLOG_TABLE_MAP_EVENT = 19,
    BINLOG_WRITE_ROWS_EVENT_V1 = 23,
    BINLOG_UPDATE_ROWS_EVENT_V1 = 24,
    BINLOG_DELETE_ROWS_EVENT_V1 = 25,
    BINLOG_INCIDENT_EVENT = 26,
    BINLOG_HEARTBEAT_EVENT = 27,
    BINLOG_IGNORABLE_EVENT = 28,
    BINLOG_ROWS_QUERY_EVENT = 29,
    BINLOG_WRITE_ROWS_EVENT = 30,
    BINLOG_UPDATE_ROWS_EVENT = 31,
    BINLOG_DELETE_ROWS_EVENT = 32,
    BINLOG_GTID_EVENT = 33,
    BINLOG_ANONYMOUS_GTID_EVENT = 34,
    BINLOG_PREVIOUS_GTIDS_EVENT = 35,
    BINLOG_TRANSACTION_CONTEXT_EVENT = 36,
    BINLOG_VIEW_CHANGE_EVENT = 37,
    BINLOG_XA_PREPARE_EVENT = 38,
    BINLOG_PARTIAL_UPDATE_ROWS_EVENT = 39,
    BINLOG_TRANSACTION_PAYLOAD_EVENT = 40,
    BINLOG_HEARTBEAT_EVENT_V2 = 41,
    BINLOG_ANNOTATE_ROWS_EVENT = 160,
    BINLOG_BINLOG_CHECKPOINT_EVENT = 161,
    BINLOG_MARIADB_GTID_EVENT = 162,
    BINLOG_GTID_LIST_EVENT = 163,
    BINLOG_START_ENCRYPTION_EVENT = 164,
    BINLOG_QUERY_COMPRESSED_EVENT = 165,
    BINLOG_WRITE_ROWS_COMPRESSED_EVENT_V1 = 166,
    BINLOG_UPDATE_ROWS_COMPRESSED_EVENT_V1 = 167,
    BINLOG_DELETE_ROWS_COMPRESSED_EVENT_V1 = 168,
    BINLOG_WRITE_ROWS_COMPRESSED_EVENT = 169,
    BINLOG_UPDATE_ROWS_COMPRESSED_EVENT = 170,
    BINLOG_DELETE_ROWS_COMPRESSED_EVENT = 171,
};

// Common-header flags.
#define BINLOG_F_BINLOG_IN_USE 0x0001
#define BINLOG_F_THREAD_SPECIFIC 0x0004
#define BINLOG_F_SUPPRESS_USE 0x0008
#define BINLOG_F_ARTIFICIAL 0x0020
#define BINLOG_F_RELAY_LOG 0x0040
#define BINLOG_F_IGNORABLE 0x0080
#define BINLOG_F_SKIP_REPLICATION 0x8000

// Checksum algorithms (FDE).
#define BINLOG_CHECKSUM_OFF 0
#define BINLOG_CHECKSUM_CRC32 1
#define BINLOG_CHECKSUM_UNDEF 255

// binlog_str is a byte string that points into an event or a scratch buffer (not
// NUL-terminated unless said otherwise).
typedef struct binlog_str {
    const char *ptr;
    size_t len;
} binlog_str;

// ---------------------------------------------------------------------------------------
// Header, format description, event view

typedef struct binlog_header {
    uint32_t timestamp;
    uint8_t type;
    uint32_t server_id;
    uint32_t event_size; // header + post-header + body + CRC
    uint32_t log_pos;    // end of this event in the primary's file; 0 for artificial events
    uint16_t flags;
} binlog_header;

// binlog_header_peek reads the common header from the first 19 bytes of buf. It checks
// only that 19 bytes are there and that event_size >= 19 (not that the whole event is in
// buf). Errors: BINLOG_ERR_TRUNCATED, BINLOG_ERR_BAD_EVENT.
int binlog_header_peek(binlog_header *out, const void *buf, size_t len, dm_err *err);

// binlog_event_type_name returns a static name ("QUERY", "WRITE_ROWS_V1", ...), or
// "UNKNOWN_TYPE" for a code it does not know; never NULL.
const char *binlog_event_type_name(uint8_t type);

typedef struct binlog_fde {
    uint16_t binlog_version;     // 4
    char server_version[51];     // NUL-terminated
    uint32_t created;            // 0 unless the file was opened by the server at that time
    uint8_t header_len;          // 19
    uint8_t checksum_alg;        // BINLOG_CHECKSUM_*
    binlog_flavor flavor;        // MariaDB when server_version contains "MariaDB"
    uint16_t n_post_header;      // number of post-header lengths the FDE carried
    uint8_t post_header_len[256]; // by type code; 0 for types the FDE did not list
    uint32_t version_num;        // e.g. 101106 for 10.11.6, 80036 for 8.0.36 (0 if unparsed)
} binlog_fde;

// binlog_fde_init_default fills out with the v4 post-header lengths of flavor and the given
// checksum algorithm, for events seen before any FDE (the fake ROTATE of a dump stream).
void binlog_fde_init_default(binlog_fde *out, binlog_flavor flavor, uint8_t checksum_alg);

// binlog_fde_decode decodes a FORMAT_DESCRIPTION event (buf holds the whole event, len >=
// its event_size). When the FDE says CRC32 its own checksum is verified. Errors:
// BINLOG_ERR_TRUNCATED, BINLOG_ERR_WRONG_TYPE, BINLOG_ERR_BAD_FDE, BINLOG_ERR_CHECKSUM.
int binlog_fde_decode(binlog_fde *out, const void *buf, size_t len, dm_err *err);

typedef struct binlog_event {
    binlog_header header;
    const uint8_t *data;   // the whole event (header first)
    size_t size;           // header.event_size
    const uint8_t *post;   // post-header
    size_t post_len;       // its length per the FDE (0 for types the FDE does not know)
    const uint8_t *body;   // after the post-header
    size_t body_len;       // up to the CRC (excluded)
    bool has_checksum;     // a 4-byte CRC trails the event
    uint64_t pos;          // caller-supplied start position (for messages), 0 = unknown
} binlog_event;

#define BINLOG_PARSE_VERIFY_CHECKSUM 0x1 // verify the CRC32 when the event carries one
#define BINLOG_PARSE_NO_CHECKSUM 0x2     // the event never has a CRC (TRANSACTION_PAYLOAD inner)

// binlog_event_parse bounds the event at the start of buf (len bytes available, at least
// event_size needed) under fde and fills out. pos is the event's start position, used in
// error messages only (0 = unknown). A FORMAT_DESCRIPTION event is bounded by its own
// checksum algorithm, not fde's. Errors: BINLOG_ERR_TRUNCATED (buf shorter than the event,
// event shorter than its post-header), BINLOG_ERR_BAD_EVENT, BINLOG_ERR_CHECKSUM (message
// names type, position, stored and computed CRC).
int binlog_event_parse(binlog_event *out, const binlog_fde *fde, const void *buf, size_t len,
                       uint64_t pos, unsigned flags, dm_err *err);

// binlog_event_verify_checksum checks the CRC32 of the whole event in buf (event_size bytes)
// when fde says CRC32 (an FDE event by its own algorithm); 0 when there is no checksum.
// Errors: as binlog_event_parse.
int binlog_event_verify_checksum(const binlog_fde *fde, const void *buf, size_t len, uint64_t pos,
                                 dm_err *err);

// binlog_event_is_ignorable tells whether an event of a type this decoder does not know may be
// skipped by size: true when it carries BINLOG_F_IGNORABLE or its type is known to be
// skippable (obsolete and group-replication types); false means the stream expects a
// consumer to understand it.
bool binlog_event_is_ignorable(const binlog_event *ev);

// ---------------------------------------------------------------------------------------
// Control events

typedef struct binlog_rotate {
    uint64_t position;  // start position in next_file
    binlog_str next_file;
    bool artificial;    // the fake ROTATE of a dump stream (ARTIFICIAL flag): not a file switch
} binlog_rotate;

// binlog_rotate_decode decodes a ROTATE event. Errors: WRONG_TYPE, TRUNCATED, BAD_EVENT.
int binlog_rotate_decode(binlog_rotate *out, const binlog_event *ev, dm_err *err);

// Query status-variable presence bits (binlog_query_status.present).
#define BINLOG_QS_FLAGS2 (1ull << 0)
#define BINLOG_QS_SQL_MODE (1ull << 1)
#define BINLOG_QS_CATALOG (1ull << 2)
#define BINLOG_QS_AUTO_INCREMENT (1ull << 3)
#define BINLOG_QS_CHARSET (1ull << 4)
#define BINLOG_QS_TIME_ZONE (1ull << 5)
#define BINLOG_QS_LC_TIME_NAMES (1ull << 7)
#define BINLOG_QS_CHARSET_DATABASE (1ull << 8)
#define BINLOG_QS_TABLE_MAP_FOR_UPDATE (1ull << 9)
#define BINLOG_QS_MASTER_DATA_WRITTEN (1ull << 10)
#define BINLOG_QS_INVOKER (1ull << 11)
#define BINLOG_QS_UPDATED_DB_NAMES (1ull << 12)
#define BINLOG_QS_MICROSECONDS (1ull << 13)
#define BINLOG_QS_EXPLICIT_DEFAULTS_TS (1ull << 16)
#define BINLOG_QS_DDL_LOGGED_WITH_XID (1ull << 17)
#define BINLOG_QS_DEFAULT_COLLATION_UTF8MB4 (1ull << 18)
#define BINLOG_QS_SQL_REQUIRE_PRIMARY_KEY (1ull << 19)
#define BINLOG_QS_DEFAULT_TABLE_ENCRYPTION (1ull << 20)
#define BINLOG_QS_HRNOW (1ull << 40)
#define BINLOG_QS_XID (1ull << 41)
#define BINLOG_QS_GTID_FLAGS3 (1ull << 42)
#define BINLOG_QS_STOPPED_AT_UNKNOWN (1ull << 63) // an unknown code ended parsing early

#define BINLOG_QUERY_MAX_UPDATED_DBS 16

typedef struct binlog_query_status {
    uint64_t present;               // BINLOG_QS_* bits of the fields below that were present
    uint32_t flags2;                // option bits (AUTO_IS_NULL 0x4000, NOT_AUTOCOMMIT 0x80000, ...)
    uint64_t sql_mode;              // server's own bit layout (differs between flavours)
    binlog_str catalog;             // Q_CATALOG or Q_CATALOG_NZ
    uint16_t auto_increment_increment, auto_increment_offset;
    uint16_t charset_client, collation_connection, collation_server;
    binlog_str time_zone;
    uint16_t lc_time_names;
    uint16_t charset_database;
    uint64_t table_map_for_update;
    uint32_t master_data_written;
    binlog_str invoker_user, invoker_host;
    uint8_t n_updated_dbs;          // names listed (0..16)
    bool updated_dbs_over_max;      // the server wrote OVER_MAX_DBS (254): no names
    binlog_str updated_dbs[BINLOG_QUERY_MAX_UPDATED_DBS];
    uint32_t microseconds;          // Q_MICROSECONDS
    uint8_t explicit_defaults_for_timestamp;
    uint64_t ddl_xid;               // Q_DDL_LOGGED_WITH_XID
    uint16_t default_collation_for_utf8mb4;
    uint8_t sql_require_primary_key;
    uint8_t default_table_encryption;
    uint32_t hrnow_usec;            // MariaDB Q_HRNOW
    uint64_t xid;                   // MariaDB Q_XID
    uint8_t gtid_flags3;            // MariaDB Q_GTID_FLAGS3 (flags_extra)
    uint64_t sa_seq_no;             // MariaDB, with COMMIT/ROLLBACK ALTER flags
} binlog_query_status;

typedef struct binlog_query {
    uint32_t thread_id;
    uint32_t exec_time;
    uint16_t error_code;
    binlog_str db;
    binlog_str query;          // the statement text (decompressed for QUERY_COMPRESSED)
    binlog_query_status status;
} binlog_query;

// binlog_query_decode decodes QUERY and QUERY_COMPRESSED events. For the compressed one the
// text is inflated into scratch (reset first) and query points there. Unknown status codes
// stop status parsing (BINLOG_QS_STOPPED_AT_UNKNOWN) without error. Errors: WRONG_TYPE,
// TRUNCATED, BAD_EVENT, DECOMPRESS, UNSUPPORTED, TOO_LARGE, DM_ERR_NOMEM.
int binlog_query_decode(binlog_query *out, const binlog_event *ev, dm_buf *scratch, dm_err *err);

// binlog_xid_decode decodes an XID event's transaction id. Errors: WRONG_TYPE, TRUNCATED.
int binlog_xid_decode(uint64_t *out, const binlog_event *ev, dm_err *err);

typedef struct binlog_intvar {
    uint8_t type; // 1 LAST_INSERT_ID, 2 INSERT_ID
    uint64_t value;
} binlog_intvar;
// binlog_intvar_decode decodes an INTVAR event. Errors: WRONG_TYPE, TRUNCATED.
int binlog_intvar_decode(binlog_intvar *out, const binlog_event *ev, dm_err *err);

typedef struct binlog_rand {
    uint64_t seed1, seed2;
} binlog_rand;
// binlog_rand_decode decodes a RAND event's seeds. Errors: WRONG_TYPE, TRUNCATED.
int binlog_rand_decode(binlog_rand *out, const binlog_event *ev, dm_err *err);

typedef struct binlog_user_var {
    binlog_str name;
    bool is_null;
    uint8_t type;      // 0 STRING, 1 REAL, 2 INT, 4 DECIMAL
    uint32_t charset;
    binlog_str value;  // raw value bytes as written by the server
    uint8_t flags;     // 1 = UNSIGNED (0 when absent)
} binlog_user_var;
// binlog_user_var_decode decodes a USER_VAR event; name and value point into the event.
// Errors: WRONG_TYPE, TRUNCATED.
int binlog_user_var_decode(binlog_user_var *out, const binlog_event *ev, dm_err *err);

// MariaDB GTID flags2 / flags_extra bits.
#define BINLOG_MDB_FL_STANDALONE 0x01
#define BINLOG_MDB_FL_GROUP_COMMIT_ID 0x02
#define BINLOG_MDB_FL_TRANSACTIONAL 0x04
#define BINLOG_MDB_FL_ALLOW_PARALLEL 0x08
#define BINLOG_MDB_FL_WAITED 0x10
#define BINLOG_MDB_FL_DDL 0x20
#define BINLOG_MDB_FL_PREPARED_XA 0x40
#define BINLOG_MDB_FL_COMPLETED_XA 0x80
#define BINLOG_MDB_FLX_MULTI_ENGINE 0x01
#define BINLOG_MDB_FLX_START_ALTER 0x02
#define BINLOG_MDB_FLX_COMMIT_ALTER 0x04
#define BINLOG_MDB_FLX_ROLLBACK_ALTER 0x08

typedef struct binlog_mariadb_gtid {
    uint32_t domain_id;
    uint32_t server_id;
    uint64_t seq_no;
} binlog_mariadb_gtid;

typedef struct binlog_mariadb_gtid_event {
    binlog_mariadb_gtid gtid; // server_id from the event header
    uint8_t flags2;
    uint64_t commit_id;       // 0 unless FL_GROUP_COMMIT_ID
    bool has_xid;             // XA: flags2 has PREPARED_XA or COMPLETED_XA
    uint32_t xa_format_id;
    uint8_t xa_gtrid_len, xa_bqual_len;
    const uint8_t *xa_data;   // gtrid then bqual
    uint8_t flags_extra;
    uint8_t extra_engines;    // with FLX_MULTI_ENGINE
    uint64_t sa_seq_no;       // with FLX_COMMIT_ALTER / FLX_ROLLBACK_ALTER
} binlog_mariadb_gtid_event;
// binlog_mariadb_gtid_decode decodes a MariaDB GTID event (optional parts by flags and by
// remaining length; unknown flag bits and trailing bytes are ignored). Errors: WRONG_TYPE,
// TRUNCATED, BAD_EVENT (XA lengths over 64).
int binlog_mariadb_gtid_decode(binlog_mariadb_gtid_event *out, const binlog_event *ev, dm_err *err);

typedef struct binlog_gtid_list {
    uint32_t count;
    uint8_t flags;               // the top 4 bits of the count word
    binlog_mariadb_gtid *gtids;  // count entries, malloc'ed (NULL when count is 0)
} binlog_gtid_list;
// binlog_gtid_list_decode decodes a MariaDB GTID_LIST event; out owns gtids (free with
// binlog_gtid_list_fini, also after a failure). Errors: WRONG_TYPE, TRUNCATED, BAD_EVENT, NOMEM.
int binlog_gtid_list_decode(binlog_gtid_list *out, const binlog_event *ev, dm_err *err);
// binlog_gtid_list_fini frees l's array; l may be NULL.
void binlog_gtid_list_fini(binlog_gtid_list *l);

// binlog_checkpoint_decode decodes a MariaDB BINLOG_CHECKPOINT event's file name.
// Errors: WRONG_TYPE, TRUNCATED.
int binlog_checkpoint_decode(binlog_str *out, const binlog_event *ev, dm_err *err);

typedef struct binlog_mysql_gtid_event {
    bool anonymous;               // ANONYMOUS_GTID
    uint8_t gtid_flags;
    uint8_t sid[16];
    int64_t gno;
    uint8_t lc_type;              // 2 when logical timestamps follow
    int64_t last_committed, sequence_number;
    bool has_commit_ts;
    uint64_t immediate_commit_ts, original_commit_ts; // microseconds
    bool has_trx_length;
    uint64_t transaction_length;
    bool has_server_version;
    uint32_t immediate_server_version, original_server_version;
} binlog_mysql_gtid_event;
// binlog_mysql_gtid_decode decodes GTID and ANONYMOUS_GTID events, taking the 8.0 tails
// when the bytes are there (5.7 events stop after sequence_number). Errors: WRONG_TYPE,
// TRUNCATED.
int binlog_mysql_gtid_decode(binlog_mysql_gtid_event *out, const binlog_event *ev, dm_err *err);

typedef struct binlog_gno_interval {
    int64_t start, end; // [start, end): end is exclusive as encoded
} binlog_gno_interval;
typedef struct binlog_mysql_sid_intervals {
    uint8_t sid[16];
    uint64_t n_intervals;
    binlog_gno_interval *intervals;
} binlog_mysql_sid_intervals;
typedef struct binlog_mysql_gtid_set {
    uint64_t n_sids;
    binlog_mysql_sid_intervals *sids; // malloc'ed, each with its malloc'ed intervals
} binlog_mysql_gtid_set;

// binlog_mysql_gtid_set_decode decodes the binary GTID set encoding (PREVIOUS_GTIDS body,
// COM_BINLOG_DUMP_GTID data). out owns its arrays (binlog_mysql_gtid_set_fini, also after a
// failure). Tagged (8.3+) sets are rejected with UNSUPPORTED. Errors: TRUNCATED, BAD_EVENT.
int binlog_mysql_gtid_set_decode(binlog_mysql_gtid_set *out, const void *data, size_t len, dm_err *err);
// binlog_previous_gtids_decode decodes a PREVIOUS_GTIDS event (see above).
int binlog_previous_gtids_decode(binlog_mysql_gtid_set *out, const binlog_event *ev, dm_err *err);
// binlog_mysql_gtid_set_fini frees s's arrays; s may be NULL.
void binlog_mysql_gtid_set_fini(binlog_mysql_gtid_set *s);

typedef struct binlog_heartbeat {
    binlog_str log_file;
    uint64_t position; // v1: header log_pos, or the 8-byte MariaDB sub-header when log_pos is 0
} binlog_heartbeat;
// binlog_heartbeat_decode decodes HEARTBEAT (v1, incl. MariaDB's 64-bit position sub-header)
// and HEARTBEAT_V2 (MySQL TLV). MariaDB's sub-header is taken when log_pos is 0 and the body
// is at least 8 bytes longer than a file name would need (see docs/binlog.md).
int binlog_heartbeat_decode(binlog_heartbeat *out, const binlog_event *ev, dm_err *err);

typedef struct binlog_xa_prepare {
    bool one_phase;
    uint32_t format_id;
    uint32_t gtrid_len, bqual_len;
    const uint8_t *data; // gtrid then bqual
} binlog_xa_prepare;
// binlog_xa_prepare_decode decodes an XA_PREPARE event. Errors: WRONG_TYPE, TRUNCATED,
// BAD_EVENT (gtrid/bqual over 64 bytes).
int binlog_xa_prepare_decode(binlog_xa_prepare *out, const binlog_event *ev, dm_err *err);

typedef struct binlog_incident {
    uint16_t incident; // 1 = LOST_EVENTS
    binlog_str message;
} binlog_incident;
// binlog_incident_decode decodes an INCIDENT event. Errors: WRONG_TYPE, TRUNCATED.
int binlog_incident_decode(binlog_incident *out, const binlog_event *ev, dm_err *err);

// binlog_rows_query_decode returns the statement text of ANNOTATE_ROWS (MariaDB) or
// ROWS_QUERY (MySQL). Errors: WRONG_TYPE, TRUNCATED.
int binlog_rows_query_decode(binlog_str *out, const binlog_event *ev, dm_err *err);

// TRANSACTION_PAYLOAD (MySQL 8.0.20+): the inner events of a compressed transaction.
typedef struct binlog_payload {
    uint8_t compression;         // 0 ZSTD, 255 NONE
    uint64_t payload_size;
    uint64_t uncompressed_size;
    const uint8_t *data;         // the inner events (scratch for ZSTD)
    size_t len;
    size_t offset;               // iteration cursor
} binlog_payload;
// binlog_payload_decode decodes the TLV header and inflates the payload into scratch.
// Errors: WRONG_TYPE, TRUNCATED, BAD_EVENT, DECOMPRESS, UNSUPPORTED, TOO_LARGE, NOMEM.
int binlog_payload_decode(binlog_payload *out, const binlog_event *ev, dm_buf *scratch, dm_err *err);
// binlog_payload_next parses the next inner event into out (no checksum), or sets *end.
// pos (for messages) is the outer event's position. Errors: as binlog_event_parse.
int binlog_payload_next(binlog_event *out, bool *end, binlog_payload *p, const binlog_fde *fde,
                        uint64_t pos, dm_err *err);

// ---------------------------------------------------------------------------------------
// Table maps

// Column type codes (table map).
enum {
    BINLOG_TYPE_DECIMAL = 0, BINLOG_TYPE_TINY = 1, BINLOG_TYPE_SHORT = 2, BINLOG_TYPE_LONG = 3,
    BINLOG_TYPE_FLOAT = 4, BINLOG_TYPE_DOUBLE = 5, BINLOG_TYPE_NULL = 6, BINLOG_TYPE_TIMESTAMP = 7,
    BINLOG_TYPE_LONGLONG = 8, BINLOG_TYPE_INT24 = 9, BINLOG_TYPE_DATE = 10, BINLOG_TYPE_TIME = 11,
    BINLOG_TYPE_DATETIME = 12, BINLOG_TYPE_YEAR = 13, BINLOG_TYPE_NEWDATE = 14,
    BINLOG_TYPE_VARCHAR = 15, BINLOG_TYPE_BIT = 16, BINLOG_TYPE_TIMESTAMP2 = 17,
    BINLOG_TYPE_DATETIME2 = 18, BINLOG_TYPE_TIME2 = 19, BINLOG_TYPE_TYPED_ARRAY = 20,
    BINLOG_TYPE_BLOB_COMPRESSED = 140, BINLOG_TYPE_VARCHAR_COMPRESSED = 141,
    BINLOG_TYPE_JSON = 245, BINLOG_TYPE_NEWDECIMAL = 246, BINLOG_TYPE_ENUM = 247,
    BINLOG_TYPE_SET = 248, BINLOG_TYPE_TINY_BLOB = 249, BINLOG_TYPE_MEDIUM_BLOB = 250,
    BINLOG_TYPE_LONG_BLOB = 251, BINLOG_TYPE_BLOB = 252, BINLOG_TYPE_VAR_STRING = 253,
    BINLOG_TYPE_STRING = 254, BINLOG_TYPE_GEOMETRY = 255,
};

#define BINLOG_CHARSET_BINARY 63

typedef struct binlog_column {
    uint8_t type;        // as in the table map (ENUM/SET/CHAR all arrive as STRING)
    uint8_t real_type;   // STRING's real type (ENUM, SET, STRING), else type
    uint16_t meta;       // raw metadata
    uint32_t max_len;    // VARCHAR/VAR_STRING/STRING: maximum bytes
    uint8_t pack_len;    // FLOAT/DOUBLE/BLOB/GEOMETRY/JSON/ENUM/SET
    uint8_t precision, scale; // NEWDECIMAL
    uint8_t fsp;         // TIMESTAMP2/DATETIME2/TIME2
    uint16_t bits;       // BIT
    bool nullable;
    int8_t is_unsigned;  // numeric columns: 1/0 when known (metadata or schema), -1 unknown
    binlog_str name;     // empty (ptr NULL) when unknown
    uint32_t charset;    // collation id of character/ENUM/SET columns; 0 unknown
    uint32_t geometry_type; // GEOMETRY_TYPE metadata, 0 unknown
    int8_t visible;      // 1/0 per COLUMN_VISIBILITY, -1 unknown
    bool in_pk;          // SIMPLE_PRIMARY_KEY / PRIMARY_KEY_WITH_PREFIX
    uint32_t pk_prefix;  // prefix length of a PK part (0 = whole column)
    uint32_t n_values;   // ENUM/SET member names (ENUM_STR_VALUE / SET_STR_VALUE), else 0
    binlog_str *values;
} binlog_column;

typedef struct binlog_table_map {
    uint64_t table_id;
    uint16_t flags;
    binlog_str schema;         // NUL-terminated
    binlog_str table;          // NUL-terminated
    uint32_t column_count;
    binlog_column *columns;
    bool has_signedness, has_charsets, has_names, has_pk; // optional metadata seen
    // private: the event copy every binlog_str points into, and owned arrays
    uint8_t *raw_;
    char *names_;
} binlog_table_map;

// binlog_table_map_decode decodes a TABLE_MAP event into a new *out that owns a copy of the
// bytes it needs (the event buffer may be released afterwards). Errors: WRONG_TYPE,
// TRUNCATED, BAD_EVENT (column count, metadata block, optional metadata TLVs inconsistent),
// NOMEM. *out is NULL on failure.
int binlog_table_map_decode(binlog_table_map **out, const binlog_fde *fde, const binlog_event *ev,
                            dm_err *err);
// binlog_table_map_destroy frees m; NULL is accepted.
void binlog_table_map_destroy(binlog_table_map *m);

// binlog_table_map_apply_schema supplies what the binlog did not carry (MariaDB's default
// NO_LOG, MySQL 5.7): is_unsigned[i] (nonzero = UNSIGNED) for numeric columns without
// SIGNEDNESS metadata, and names[i] for columns without names (copied). Either array may be
// NULL; n must equal column_count. Errors: DM_ERR_INVALID_ARG (count), DM_ERR_NOMEM.
int binlog_table_map_apply_schema(binlog_table_map *m, const uint8_t *is_unsigned,
                                  const char *const *names, size_t n, dm_err *err);

// ---------------------------------------------------------------------------------------
// Rows events and values

typedef enum binlog_rows_kind {
    BINLOG_ROWS_WRITE = 1,
    BINLOG_ROWS_UPDATE,
    BINLOG_ROWS_DELETE,
    BINLOG_ROWS_PARTIAL_UPDATE, // MySQL PARTIAL_UPDATE_ROWS (39)
} binlog_rows_kind;

#define BINLOG_ROWS_F_STMT_END 0x01
#define BINLOG_ROWS_F_NO_FOREIGN_KEY_CHECKS 0x02
#define BINLOG_ROWS_F_RELAXED_UNIQUE_CHECKS 0x04
#define BINLOG_ROWS_F_COMPLETE_ROWS 0x08

typedef struct binlog_rows {
    binlog_rows_kind kind;
    uint8_t version;            // 1 or 2
    bool compressed;            // MariaDB compressed rows (166-171)
    uint64_t table_id;
    uint16_t flags;             // BINLOG_ROWS_F_*
    const uint8_t *extra;       // v2 extra row info (raw TLVs), NULL if none
    size_t extra_len;
    int32_t partition_id;       // from the extra info, -1 if absent
    int32_t source_partition_id;
    uint32_t column_count;
    const uint8_t *present_before; // columns-present bitmap of the before image (NULL for WRITE)
    const uint8_t *present_after;  // of the after image (NULL for DELETE)
    const uint8_t *data;        // row images (inflated into scratch when compressed)
    size_t len;
    size_t offset;              // iteration cursor
} binlog_rows;

// binlog_rows_decode decodes a rows event's header and bitmaps (WRITE/UPDATE/DELETE v1/v2,
// PARTIAL_UPDATE, MariaDB compressed v1/v2; compressed row data is inflated into scratch).
// Errors: WRONG_TYPE, TRUNCATED, BAD_EVENT, DECOMPRESS, UNSUPPORTED, TOO_LARGE, NOMEM.
int binlog_rows_decode(binlog_rows *out, const binlog_fde *fde, const binlog_event *ev,
                       dm_buf *scratch, dm_err *err);

typedef enum binlog_value_kind {
    BINLOG_VALUE_ABSENT = 0, // column not in this image (columns-present bit clear)
    BINLOG_VALUE_NULL,
    BINLOG_VALUE_INT,        // i: TINY..LONGLONG signed
    BINLOG_VALUE_UINT,       // u: TINY..LONGLONG unsigned
    BINLOG_VALUE_FLOAT,      // d: a FLOAT (single precision) value
    BINLOG_VALUE_DOUBLE,     // d
    BINLOG_VALUE_DECIMAL,    // str: exact text, "-123.4500"
    BINLOG_VALUE_TEMPORAL,   // t
    BINLOG_VALUE_STRING,     // str + charset: CHAR/VARCHAR/TEXT/BLOB/BINARY (MariaDB JSON too)
    BINLOG_VALUE_BIT,        // u: the value; bits: the column's width
    BINLOG_VALUE_ENUM,       // u: 1-based index, 0 = the error value ''
    BINLOG_VALUE_SET,        // u: member bitmask
    BINLOG_VALUE_JSON,       // str: JSON text decoded from MySQL binary JSON
    BINLOG_VALUE_JSON_DIFF,  // str: raw MySQL partial-JSON diffs (binlog_json_diff_to_sql)
    BINLOG_VALUE_GEOMETRY,   // str: 4-byte SRID + WKB
} binlog_value_kind;

typedef enum binlog_temporal_kind {
    BINLOG_TEMPORAL_DATE = 1,
    BINLOG_TEMPORAL_DATETIME,
    BINLOG_TEMPORAL_TIMESTAMP, // broken down in UTC; epoch in `epoch`
    BINLOG_TEMPORAL_TIME,
    BINLOG_TEMPORAL_YEAR,      // year only (0 = 0000)
} binlog_temporal_kind;

typedef struct binlog_temporal {
    binlog_temporal_kind kind;
    bool negative;     // TIME only
    uint16_t year;
    uint8_t month, day;
    uint32_t hour;     // TIME: 0..838 (more for legacy values)
    uint8_t minute, second;
    uint32_t usec;
    uint8_t fsp;       // fraction digits of the column (0-6)
    int64_t epoch;     // TIMESTAMP: seconds since the epoch (0 = zero timestamp)
} binlog_temporal;

typedef struct binlog_value {
    binlog_value_kind kind;
    uint8_t type;      // the column's real type
    uint16_t bits;     // BIT width
    uint32_t charset;  // STRING: collation id when known (63 = binary), else 0
    union {
        int64_t i;
        uint64_t u;
        double d;
        binlog_temporal t;
    };
    binlog_str str;    // DECIMAL/STRING/JSON/JSON_DIFF/GEOMETRY bytes
} binlog_value;

typedef struct binlog_row {
    uint32_t column_count;
    binlog_value *before;    // column_count values (UPDATE/DELETE), NULL for WRITE
    binlog_value *after;     // column_count values (WRITE/UPDATE), NULL for DELETE
    uint64_t value_options;  // PARTIAL_UPDATE: 1 = PARTIAL_JSON
    // private
    binlog_value *vals_;
    uint32_t cap_;
    dm_buf text_;
} binlog_row;

// binlog_row_init prepares r (allocates nothing). binlog_row_fini frees it (NULL accepted).
void binlog_row_init(binlog_row *r);
void binlog_row_fini(binlog_row *r);

// binlog_rows_next decodes the next row of rows into row, using tm (whose table_id and
// column_count must match), or sets *end when the rows are used up. Values point into the
// event/scratch bytes and into row; they are valid until the next call with this row.
// Numeric columns of unknown signedness decode as signed. Errors: TABLE_MAP (id or
// column count mismatch), TRUNCATED, BAD_VALUE, UNSUPPORTED (a column type that cannot be
// decoded), NOMEM.
int binlog_rows_next(binlog_row *row, bool *end, binlog_rows *rows, const binlog_table_map *tm,
                     dm_err *err);

// binlog_value_to_sql appends v to out as a SQL literal for DML, exact and independent of
// sql_mode NO_BACKSLASH_ESCAPES: NULL; integers; FLOAT/DOUBLE as shortest round-trip text;
// DECIMAL as written; temporals quoted with fraction digits of the column's fsp; UTF-8 text
// without backslashes or control bytes quoted ('' doubled), other strings as 0x hex (JSON
// and text that needs escaping as _utf8mb4 0x..); BIT/SET as integers; ENUM as its quoted
// name when col carries ENUM names that are ASCII or in a UTF-8 collation, else its index;
// GEOMETRY as 0x hex. The
// connection must use utf8mb4 and time_zone '+00:00' (TIMESTAMP values are UTC). col may be
// NULL. Errors: DM_ERR_INVALID_ARG (ABSENT or JSON_DIFF), DM_ERR_NOMEM.
int binlog_value_to_sql(dm_buf *out, const binlog_value *v, const binlog_column *col, dm_err *err);

// binlog_json_diff_to_sql appends the expression that applies a partial-JSON value (v of
// kind JSON_DIFF) to column expression col_sql, e.g.
// JSON_REPLACE(JSON_INSERT(`j`, '$.a', CAST('1' AS JSON)), ...). Errors: BAD_VALUE, NOMEM.
int binlog_json_diff_to_sql(dm_buf *out, const binlog_value *v, const char *col_sql, dm_err *err);

// binlog_json_to_text appends MySQL binary JSON (data, len) as JSON text. Errors: BAD_VALUE
// (malformed, nesting deeper than 100), NOMEM.
int binlog_json_to_text(dm_buf *out, const void *data, size_t len, dm_err *err);

// ---------------------------------------------------------------------------------------
// Transaction boundaries

#define BINLOG_TRX_BEGIN 0x1  // the event starts a transaction (GTID, BEGIN, standalone stmt)
#define BINLOG_TRX_INSIDE 0x2 // the event belongs to the open transaction
#define BINLOG_TRX_END 0x4    // the event ends it (XID, COMMIT, standalone stmt, XA_PREPARE)

typedef struct binlog_trx {
    bool open;          // inside a transaction
    bool standalone;    // MariaDB FL_STANDALONE: the next statement ends the group
    bool mysql_first;   // MySQL: next QUERY decides between BEGIN and a DDL
    bool xa_prepare;    // the group ends with XA_PREPARE
    dm_buf scratch_;
} binlog_trx;

// binlog_trx_init starts a tracker outside any transaction; binlog_trx_fini frees its
// scratch buffer (NULL accepted).
void binlog_trx_init(binlog_trx *t);
void binlog_trx_fini(binlog_trx *t);
// binlog_trx_feed classifies ev (events in stream order) into *out: a combination of
// BINLOG_TRX_* (BEGIN|END for a self-contained statement), or 0 for events outside any
// transaction (FDE, ROTATE, GTID lists, heartbeats...). Errors: from decoding the GTID or
// QUERY event.
int binlog_trx_feed(unsigned *out, binlog_trx *t, const binlog_event *ev, dm_err *err);

#endif
