// gtid: single GTIDs and GTID sets of both flavours (MySQL and MariaDB).
//
// MySQL: a GTID is uuid:gno; a set is `uuid:a-b:c,uuid2:x-y` (inclusive intervals). The
// canonical text has lowercase uuids sorted by their bytes, intervals sorted and merged
// (adjacent ones too), one `uuid:...` per uuid, entries joined by ",".
//
// MariaDB: a GTID is D-S-N (domain, server id, sequence number). A gtid_set of this flavour
// is the relay's "seen" view: the highest N per (domain, server), like a GTID_LIST event or
// @@gtid_binlog_state. Its canonical text lists every entry sorted by (domain, server). A
// replication *position* (one entry per domain, as in @@gtid_slave_pos) is printed by
// gtid_set_format_position: per domain, the entry with the highest N.
// MariaDB semantics follow the server's: sequence numbers grow per domain, so a GTID D-S-N
// is contained in a set when the set's domain D holds some entry with a sequence number
// >= N, whatever its server id.
//   - contains(A, B): every entry of B is contained in A.
//   - union(A, B): per (domain, server), the higher sequence number.
//   - subtract(A, B): the entries of A that B does not contain (what A has beyond B).
//
// Binary forms (gtid_set_encode / gtid_set_decode):
//   MySQL: the encoded set of COM_BINLOG_DUMP_GTID and PREVIOUS_GTIDS (BINLOG.md §1.4):
//     u64 n_sids, per sid 16 uuid bytes + u64 n_intervals + n × (i64 start, i64 end
//     exclusive), little-endian. The tagged format of MySQL 8.3+ is rejected
//     (GTID_ERR_UNSUPPORTED).
//   MariaDB: the body of a GTID_LIST event (BINLOG.md §5.2): u32 count (flag bits 28..31
//     ignored on decode, 0 on encode), then count × (u32 domain, u32 server, u64 seq).
//
// Threading: a gtid_set is a plain object; concurrent reads are safe, any write needs the
// caller's exclusion.
#ifndef DM_GTID_H
#define DM_GTID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dm_buf.h"
#include "dm_err.h"

// Error codes (binlog-op class, gtid sub-range 22500..22999).
#define GTID_ERR_PARSE 22501       // GTID text is malformed (message: offset and text)
#define GTID_ERR_DECODE 22502      // encoded GTID set bytes are malformed or truncated
#define GTID_ERR_FLAVOR 22503      // operands of different flavours, or unknown flavour
#define GTID_ERR_UNSUPPORTED 22504 // valid input this module does not handle (tagged GTIDs)
#define GTID_ERR_RANGE 22505       // a number is out of range (gno 0 or >= 2^63-1, ...)

typedef enum gtid_flavor {
    GTID_FLAVOR_NONE = 0,
    GTID_FLAVOR_MYSQL = 1,
    GTID_FLAVOR_MARIADB = 2,
} gtid_flavor;

// gtid is one transaction identifier; a plain value.
typedef struct gtid {
    gtid_flavor flavor;
    uint8_t uuid[16]; // MySQL source uuid (bytes in printed order)
    uint32_t domain;  // MariaDB domain id
    uint32_t server;  // MariaDB server id
    uint64_t seq;     // MySQL gno (1 .. 2^63-2) or MariaDB sequence number
} gtid;

// GTID_TEXT_MAX is enough for the text of any single gtid, NUL included.
#define GTID_TEXT_MAX 64

typedef struct gtid_set gtid_set;

// gtid_flavor_name returns "mysql", "mariadb" or "none" (static strings).
const char *gtid_flavor_name(gtid_flavor flavor);

// gtid_flavor_parse reads "mysql" or "mariadb" (any case). Errors: GTID_ERR_FLAVOR.
int gtid_flavor_parse(gtid_flavor *out, const char *text, dm_err *err);

// gtid_parse reads one GTID of the given flavour ("uuid:gno" or "D-S-N"; surrounding blanks
// allowed). Errors: GTID_ERR_PARSE (offset and text in the message), GTID_ERR_RANGE,
// GTID_ERR_FLAVOR.
int gtid_parse(gtid *out, gtid_flavor flavor, const char *text, dm_err *err);

// gtid_format writes g's canonical text into buf (size >= GTID_TEXT_MAX always suffices) and
// returns buf.
char *gtid_format(char *buf, size_t size, const gtid *g);

// gtid_equal tells whether a and b name the same transaction (same flavour and fields).
bool gtid_equal(const gtid *a, const gtid *b);

// gtid_set_create makes an empty set of the given flavour; destroy it with
// gtid_set_destroy. Errors: GTID_ERR_FLAVOR, DM_ERR_NOMEM.
int gtid_set_create(gtid_set **out, gtid_flavor flavor, dm_err *err);

// gtid_set_destroy frees s. s may be NULL.
void gtid_set_destroy(gtid_set *s);

// gtid_set_copy makes an independent copy of s (the caller destroys it).
// Errors: DM_ERR_NOMEM.
int gtid_set_copy(gtid_set **out, const gtid_set *s, dm_err *err);

// gtid_set_assign makes dst equal to src (same flavour required); dst keeps its identity.
// Errors: GTID_ERR_FLAVOR, DM_ERR_NOMEM (dst then unchanged).
int gtid_set_assign(gtid_set *dst, const gtid_set *src, dm_err *err);

// gtid_set_flavor returns the set's flavour.
gtid_flavor gtid_set_flavor(const gtid_set *s);

// gtid_set_is_empty tells whether s holds no GTID.
bool gtid_set_is_empty(const gtid_set *s);

// gtid_set_clear empties s (keeps its flavour).
void gtid_set_clear(gtid_set *s);

// gtid_set_parse reads a set in text form into a new set (empty text = empty set). MySQL
// text may repeat a uuid and may have blanks/newlines around ',' and ':'; intervals are
// merged. MariaDB text may hold several entries per domain but not the same (domain,
// server) twice. Errors: GTID_ERR_PARSE naming the offset and the offending text,
// GTID_ERR_RANGE, GTID_ERR_UNSUPPORTED (MySQL 8.3 tags), GTID_ERR_FLAVOR, DM_ERR_NOMEM.
int gtid_set_parse(gtid_set **out, gtid_flavor flavor, const char *text, dm_err *err);

// gtid_set_format appends the canonical text of s to out (nothing for an empty set).
// Errors: DM_ERR_NOMEM.
int gtid_set_format(dm_buf *out, const gtid_set *s, dm_err *err);

// gtid_set_format_position appends s as a replication start position: for MariaDB one
// D-S-N per domain (the entry with the highest N; on a tie the lowest server id), for MySQL
// the same text as gtid_set_format. Errors: DM_ERR_NOMEM.
int gtid_set_format_position(dm_buf *out, const gtid_set *s, dm_err *err);

// gtid_set_contains_gtid tells whether g is in s (false when the flavours differ).
bool gtid_set_contains_gtid(const gtid_set *s, const gtid *g);

// gtid_set_contains tells whether a ⊇ b (false when the flavours differ).
bool gtid_set_contains(const gtid_set *a, const gtid_set *b);

// gtid_set_equal tells whether a and b hold exactly the same GTIDs (MariaDB: the same
// (domain, server, seq) entries).
bool gtid_set_equal(const gtid_set *a, const gtid_set *b);

// gtid_set_add adds one GTID (MySQL: the gno joins the uuid's intervals; MariaDB: the
// (domain, server) entry becomes max(old, N)). Appending the next gno of the last interval
// is O(1). Errors: GTID_ERR_FLAVOR, GTID_ERR_RANGE, DM_ERR_NOMEM (s unchanged).
int gtid_set_add(gtid_set *s, const gtid *g, dm_err *err);

// gtid_set_union makes dst = dst ∪ src. Errors: GTID_ERR_FLAVOR, DM_ERR_NOMEM (dst
// unchanged).
int gtid_set_union(gtid_set *dst, const gtid_set *src, dm_err *err);

// gtid_set_subtract makes dst = dst − src (see the file comment for MariaDB).
// Errors: GTID_ERR_FLAVOR, DM_ERR_NOMEM (dst unchanged).
int gtid_set_subtract(gtid_set *dst, const gtid_set *src, dm_err *err);

// gtid_set_encode appends the flavour's binary form of s to out. Errors: DM_ERR_NOMEM.
int gtid_set_encode(dm_buf *out, const gtid_set *s, dm_err *err);

// gtid_set_decode reads the flavour's binary form (exactly len bytes) into a new set.
// Errors: GTID_ERR_DECODE (offset in the message), GTID_ERR_RANGE, GTID_ERR_UNSUPPORTED,
// GTID_ERR_FLAVOR, DM_ERR_NOMEM.
int gtid_set_decode(gtid_set **out, gtid_flavor flavor, const void *data, size_t len,
                    dm_err *err);

#endif
