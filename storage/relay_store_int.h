// relay_store_int: internals shared by the relay store's source files (not a public header:
// only relay_store*.c include it).
#ifndef DM_RELAY_STORE_INT_H
#define DM_RELAY_STORE_INT_H

#include <lmdb.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <zstd.h>

#include "relay_store.h"

#define RS_FORMAT_VERSION 1u
#define RS_SEG_MAGIC "DMRS"
#define RS_SEG_HDR 64u
#define RS_SEG_CSUM_OFF 56u
#define RS_SEG_F_MID_TRX 0x01u // the first record continues a transaction begun earlier
#define RS_SEG_F_TRX_END 0x02u // the last record ends a transaction
#define RS_REC_TRX_END 0x01u
#define RS_REC_GTID 0x02u
#define RS_REC_FIXED 17u               // flags + pos + next_pos
#define RS_SEGMENT_MAX ((size_t)256 << 20) // largest segment_bytes option
#define RS_EV_HEADER 19u

// A segment sealed in memory, waiting for the next commit.
typedef struct rs_sealed {
    uint64_t id;
    uint32_t epoch, fileno;
    char file[RELAY_STORE_FILE_MAX];
    uint64_t first_pos, end_pos;
    uint32_t events, raw_len;
    int64_t created;
    uint8_t flags;    // RS_SEG_F_*
    dm_buf value;     // the stored value: header, file name, compressed records
    dm_buf gtids;     // encoded GTID set before the first event
} rs_sealed;

// The segment being built.
typedef struct rs_building {
    dm_buf raw;              // records
    uint32_t epoch, fileno;
    char file[RELAY_STORE_FILE_MAX];
    uint64_t first_pos, end_pos;
    uint32_t events;
    bool mid_trx;            // starts inside a transaction
    dm_buf gtids;            // encoded GTID set before its first event
    size_t complete_len;     // bytes up to the end of the last complete transaction
    uint32_t complete_events;
    uint64_t complete_end;   // next_pos of that transaction's last event
    uint64_t tail_pos;       // start of the first record after complete_len
} rs_building;

// A group commit's worth of work: sealed segments, a file's FDE, and the durable point
// they reach. The writer fills one batch while the committer thread writes the other.
typedef struct rs_batch {
    rs_sealed *segs;
    size_t n, cap;
    dm_buf fde;              // last FDE of a file, to store with this batch
    bool fde_dirty;
    uint32_t fde_epoch, fde_fileno;
    char fde_file[RELAY_STORE_FILE_MAX];
    relay_store_pos end_pos; // position after the last transaction end in the batch
    gtid_set *running;       // the GTID set at end_pos
    dm_buf scratch;
} rs_batch;

struct relay_store {
    char *dir;
    MDB_env *env;
    MDB_dbi db_meta, db_seg, db_segmeta, db_pos, db_files, db_fnames, db_readers;
    gtid_flavor flavor;
    relay_store_opts opts;
    pthread_rwlock_t resize_lock; // every transaction holds it shared; a map resize exclusive
    pthread_mutex_t mu;           // guards the published state below
    pthread_cond_t cond;          // signalled by each commit that publishes new events
    bool closed;
    // Published durable state (mu).
    uint64_t visible_last;
    relay_store_pos durable;
    gtid_set *durable_gtids;
    // Writer state (writer thread only).
    uint32_t epoch, fileno, max_fileno;
    char file[RELAY_STORE_FILE_MAX];
    uint64_t last_next_pos;
    uint64_t next_seg_id;
    gtid_set *running;       // GTID set after the last appended transaction end
    relay_store_pos end_pos; // position after the last appended transaction end
    bool in_trx, have_trx_gtid;
    gtid trx_gtid;
    rs_building cur;
    rs_batch fill;           // being filled by the writer
    size_t queued_raw;       // raw bytes sealed into fill
    int64_t first_wait_ms;   // monotonic ms of the oldest uncommitted append, 0 = none
    ZSTD_CCtx *cctx;
    dm_buf scratch;
    // Committer thread: writes and fsyncs `flight` while the writer fills `fill`.
    pthread_t committer;
    bool c_started, c_stop, c_pending;
    pthread_mutex_t cmu;
    pthread_cond_t c_wake, c_done;
    int c_rc;                // sticky: a failed commit fails every later writer call
    dm_err c_err;
    rs_batch flight;
};

// Byte helpers.
void rs_put_u16(uint8_t *p, uint16_t v);
void rs_put_u32(uint8_t *p, uint32_t v);
void rs_put_u64(uint8_t *p, uint64_t v);
uint16_t rs_get_u16(const uint8_t *p);
uint32_t rs_get_u32(const uint8_t *p);
uint64_t rs_get_u64(const uint8_t *p);
void rs_put_be32(uint8_t *p, uint32_t v);
void rs_put_be64(uint8_t *p, uint64_t v);
uint32_t rs_get_be32(const uint8_t *p);
uint64_t rs_get_be64(const uint8_t *p);
int64_t rs_now_ms(void);

// rs_lmdb_err records an LMDB failure of `what`.
int rs_lmdb_err(dm_err *err, int rc, const char *what);

// Segment index record (segmeta database).
typedef struct rs_segmeta {
    uint32_t epoch, fileno;
    uint64_t first_pos, end_pos;
    uint32_t events, raw_len, stored_len;
    int64_t created;
    uint8_t flags;
    char file[RELAY_STORE_FILE_MAX];
    const uint8_t *gtids; // points into the LMDB value
    size_t gtids_len;
} rs_segmeta;

int rs_segmeta_encode(dm_buf *out, const rs_sealed *q, uint32_t stored_len);
int rs_segmeta_decode(rs_segmeta *out, const void *data, size_t len, uint64_t id, dm_err *err);

// rs_seg_seal compresses b's first `len` record bytes into q->value (header included).
int rs_seg_seal(rs_sealed *q, ZSTD_CCtx *cctx, int level, gtid_flavor flavor, const void *raw,
                size_t len, dm_err *err);

// rs_rec_append encodes one record into raw.
int rs_rec_append(dm_buf *raw, uint8_t flags, uint64_t pos, uint64_t next_pos, const gtid *g,
                  const void *ev, size_t len);

// Keys.
void rs_key_pos(uint8_t k[16], uint32_t epoch, uint32_t fileno, uint64_t pos);
int rs_key_fname(uint8_t *k, size_t *klen, uint32_t epoch, const char *file);

// rs_lookup_fileno resolves (epoch, file) in the fnames database. Returns MDB_NOTFOUND
// when unknown.
int rs_lookup_fileno(uint32_t *out, MDB_txn *txn, relay_store *s, uint32_t epoch,
                     const char *file);

// rs_read_begin / rs_read_end bracket a short read transaction (shared resize lock held).
int rs_read_begin(MDB_txn **out, relay_store *s, dm_err *err);
void rs_read_end(relay_store *s, MDB_txn *txn);

#endif
