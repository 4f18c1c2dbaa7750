// relay_store: the relay segment store. One LMDB environment per upstream source holds the
// raw binlog events relayd pulled, in zstd-compressed segments of whole events, indexed by
// position and by GTID set. docs/relay-store.md describes the layout, the durability
// protocol, crash behaviour and purge rules.
//
// The store never decodes events beyond the 19-byte v4 header (type, size, log_pos, flags);
// everything else (file, positions, the transaction's GTID, transaction ends) comes from the
// caller with each event.
//
// Positions are (epoch, file, pos) with 64-bit pos. An epoch is a run of events from one
// upstream server; the caller starts a new one (relay_store_begin_epoch) when it decides
// the upstream changed (new server uuid / server id).
//
// Threading: one writer thread calls the writer functions (begin_epoch, append, flush,
// discard_partial, purge); the store's own committer thread writes and fsyncs the group
// commits the writer hands over; any number of reader objects, each used by one thread at a time,
// read concurrently from the same process. relay_store_durable_pos, relay_store_stats_get,
// relay_store_file_fde, relay_store_segment_get and the reader-registration functions may
// be called from any thread.
// Remote readers do not open the environment: they go through relayd, which ships stored
// segments as they are (relay_store_segment_get) to relay_store_segment_iter on the far side.
#ifndef DM_RELAY_STORE_H
#define DM_RELAY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dm_buf.h"
#include "dm_err.h"
#include "gtid.h"

// Error codes (relay class, 28001..28999).
#define RELAY_STORE_ERR_LMDB 28001    // an LMDB call failed (cause: LMDB's message)
#define RELAY_STORE_END 28002         // no durable event after the reader's position yet
#define RELAY_STORE_ERR_CORRUPT 28003 // a segment failed its checksum or decoding; not served
#define RELAY_STORE_ERR_EVENT 28004   // append: the event or its metadata is invalid
#define RELAY_STORE_ERR_PURGED 28005  // the requested position/GTID set is no longer stored
#define RELAY_STORE_ERR_UNKNOWN_POS 28006 // the epoch or file of a position is not in the store
#define RELAY_STORE_ERR_ZSTD 28007    // zstd compression failed (bad frames are ERR_CORRUPT)
#define RELAY_STORE_ERR_STATE 28008   // call not valid now (no epoch begun, flavour mismatch)
#define RELAY_STORE_ERR_VERSION 28009 // the environment has an unknown format version

#define RELAY_STORE_FILE_MAX 256 // binlog file names are shorter than this

// relay_store_pos is a position in the relayed stream: the event starting at pos in binlog
// file `file` of upstream epoch `epoch`.
typedef struct relay_store_pos {
    uint32_t epoch;
    char file[RELAY_STORE_FILE_MAX];
    uint64_t pos;
} relay_store_pos;

typedef struct relay_store_opts {
    gtid_flavor flavor;        // required when the store is created; checked on reopen
    uint64_t map_size;         // initial LMDB map size; 0 = 16 GiB (grows when full)
    size_t segment_bytes;      // raw bytes per segment; 0 = 1 MiB, at most 256 MiB
    size_t commit_bytes;       // group commit when this many raw bytes wait; 0 = 4 MiB
    unsigned commit_ms;        // group commit when the oldest waiting event is this old; 0 = 100
    int zstd_level;            // 0 = 3
} relay_store_opts;

// relay_store_event_meta is what the caller knows about each appended event.
typedef struct relay_store_event_meta {
    const char *file;  // binlog file the event is in (shorter than RELAY_STORE_FILE_MAX)
    uint64_t pos;      // start position of the event in that file
    uint64_t next_pos; // position right after it (pos + size, unless the stream has holes)
    const gtid *gtid;  // GTID of the event's transaction; NULL when it belongs to none
    bool trx_end;      // the event ends its transaction, or stands alone (FDE, ROTATE, DDL)
} relay_store_event_meta;

// relay_store_durable describes the last durable, complete point of the store.
typedef struct relay_store_durable {
    relay_store_pos pos; // where to resume pulling: right after the last durable event
    gtid_set *gtids;     // every GTID stored so far, with the epochs' base sets
    uint64_t segment;    // id of the last visible segment (0 = none yet)
} relay_store_durable;

typedef struct relay_store_stats {
    uint64_t segments;        // segments stored (with a pending transaction's)
    uint64_t stored_bytes;    // their compressed bytes
    uint64_t raw_bytes;       // their raw event bytes
    uint64_t events;          // their events
    bool empty;               // no visible segment: first/last below are unset
    relay_store_pos first;    // position of the first stored event
    relay_store_pos last_end; // position right after the last durable event
    uint64_t fs_free_bytes;   // free bytes on the file system holding the store
    uint64_t map_size;        // current LMDB map size
    uint64_t file_bytes;      // bytes of the LMDB data file
} relay_store_stats;

typedef struct relay_store relay_store;
typedef struct relay_store_reader relay_store_reader;

// relay_store_event is one event handed to a reader. data and file point into the
// reader's (or iterator's) buffers and stay valid until its next call.
typedef struct relay_store_event {
    const uint8_t *data; // the raw event as appended (19-byte header, body, CRC if any)
    size_t len;
    uint32_t epoch;
    const char *file;
    uint64_t pos, next_pos;
    bool trx_end;
    bool has_gtid; // gtid below is set: the GTID of the event's transaction
    gtid gtid;
    uint64_t segment; // id of the segment holding the event
} relay_store_event;

// ---- store ------------------------------------------------------------------------------

// relay_store_open opens the store in directory dir, creating the directory and the
// environment when they do not exist. On open, pending data of a transaction left
// unfinished by a crash is discarded. NULL opts = defaults (then the store must exist).
// Errors: RELAY_STORE_ERR_LMDB, RELAY_STORE_ERR_STATE (flavour differs from the stored
// one, or no flavour for a new store), RELAY_STORE_ERR_VERSION, DM_ERR_INVALID_ARG
// (segment_bytes too large), DM_ERR_IO, DM_ERR_NOMEM.
int relay_store_open(relay_store **out, const char *dir, const relay_store_opts *opts,
                     dm_err *err);

// relay_store_close drops whatever was not flushed (an unflushed tail is not durable by
// definition), wakes every waiting reader with RELAY_STORE_END and closes the environment.
// Readers must be destroyed first. s may be NULL.
void relay_store_close(relay_store *s);

// relay_store_flavor returns the store's GTID flavour.
gtid_flavor relay_store_flavor(const relay_store *s);

// relay_store_begin_epoch starts a new upstream epoch (the first one too; appends need
// one): it flushes complete transactions, drops a partial one (the new upstream resends
// it), and unions base (the GTID set the new upstream starts from; may be NULL) into the
// store's GTID set. label names the upstream (server uuid or id), for people. The epoch
// number goes to *out. Writer thread. Errors: RELAY_STORE_ERR_LMDB, GTID_ERR_FLAVOR,
// DM_ERR_NOMEM, DM_ERR_IO.
int relay_store_begin_epoch(uint32_t *out, relay_store *s, const char *label,
                            const gtid_set *base, dm_err *err);

// relay_store_append adds one event (copied). It is buffered into the current segment and
// becomes durable and visible to readers with a later group commit, once its transaction
// ended. A commit happens inside append when commit_bytes or commit_ms is exceeded; the
// caller calls relay_store_flush when the upstream is idle (relay_store_flush_due_ms tells
// when). Checks: size field == len >= 19, len <= 1 GiB, log_pos (when not 0) == low 32
// bits of next_pos, not ARTIFICIAL, not a heartbeat, positions increasing in a file, a file
// change only between transactions, the GTID's flavour. Writer thread.
// Errors: RELAY_STORE_ERR_EVENT, RELAY_STORE_ERR_STATE, RELAY_STORE_ERR_LMDB,
// RELAY_STORE_ERR_ZSTD, DM_ERR_NOMEM.
int relay_store_append(relay_store *s, const void *event, size_t len,
                       const relay_store_event_meta *meta, dm_err *err);

// relay_store_flush commits every complete transaction appended so far and waits for the
// fsync; when it returns 0 they are durable and readers are woken. After a failed commit
// every writer call returns that error (close and reopen the store). A partial transaction at the tail stays
// pending. Writer thread. Errors: RELAY_STORE_ERR_LMDB, RELAY_STORE_ERR_ZSTD, DM_ERR_NOMEM.
int relay_store_flush(relay_store *s, dm_err *err);

// relay_store_flush_due_ms returns how many milliseconds remain before the time bound of
// the group commit expires (0 = flush now), or -1 when nothing waits. Writer thread.
long relay_store_flush_due_ms(const relay_store *s);

// relay_store_discard_partial drops the partial transaction at the tail (in memory and in
// the pending area), e.g. when the upstream connection broke inside a transaction and
// relayd resumes from the durable position. Complete transactions are flushed first.
// Writer thread. Errors: as relay_store_flush.
int relay_store_discard_partial(relay_store *s, dm_err *err);

// relay_store_durable_pos fills *out with the last durable point; out->gtids is a new set
// the caller destroys (relay_store_durable_fini). Before any epoch, out->pos.epoch is 0.
// Any thread. Errors: DM_ERR_NOMEM.
int relay_store_durable_pos(relay_store_durable *out, relay_store *s, dm_err *err);

// relay_store_durable_fini frees the set in d. d may be NULL.
void relay_store_durable_fini(relay_store_durable *d);

// relay_store_stats_get fills *out. Any thread. Errors: RELAY_STORE_ERR_LMDB, DM_ERR_IO.
int relay_store_stats_get(relay_store_stats *out, relay_store *s, dm_err *err);

// relay_store_file_fde appends to out the last FORMAT_DESCRIPTION event (type 15) stored
// for (epoch, file), which a reader starting inside the file needs to decode it. Any
// thread. Errors: RELAY_STORE_ERR_UNKNOWN_POS (unknown file or no FDE stored),
// RELAY_STORE_ERR_LMDB, DM_ERR_NOMEM.
int relay_store_file_fde(dm_buf *out, relay_store *s, uint32_t epoch, const char *file,
                         dm_err *err);

// ---- reader registrations and purge -----------------------------------------------------

// relay_store_register_reader records (or moves) the lowest position reader `name` still
// needs; purge never removes it. Registrations are stored in the environment and survive
// restarts. Any thread. Errors: RELAY_STORE_ERR_LMDB, DM_ERR_INVALID_ARG (empty name).
int relay_store_register_reader(relay_store *s, const char *name, const relay_store_pos *pos,
                                dm_err *err);

// relay_store_unregister_reader removes a registration (absent: no error). Any thread.
int relay_store_unregister_reader(relay_store *s, const char *name, dm_err *err);

// relay_store_readers lists the registered readers: *out receives a NULL-terminated array of
// their names (caller frees each and the array; an empty list is a lone NULL). Any thread.
// Errors: RELAY_STORE_ERR_LMDB, DM_ERR_NOMEM.
int relay_store_readers(char ***out, relay_store *s, dm_err *err);

typedef struct relay_store_purge_opts {
    double expires_hours;    // > 0: segments written more than this long ago go
    double remain_space_gb;  // > 0: oldest segments go while free space is below this
    bool before;             // true: every segment entirely before (epoch, file) goes
    uint32_t before_epoch;
    const char *before_file;
    int64_t now;             // clock for expires (unix seconds); 0 = time(NULL)
} relay_store_purge_opts;

typedef struct relay_store_purge_result {
    uint64_t segments; // segments removed
    uint64_t bytes;    // their compressed bytes
    bool held;         // a reader registration stopped the purge early
} relay_store_purge_result;

// relay_store_purge removes the oldest segments that match any of the rules in opts, in
// order and in small write transactions, and never a segment holding or following the
// lowest registered reader position, nor pending data. relayd calls it every `interval`.
// Free space for remain_space counts the file system's free bytes plus LMDB's free pages.
// Writer thread. Errors: RELAY_STORE_ERR_LMDB, RELAY_STORE_ERR_UNKNOWN_POS (before_file),
// DM_ERR_IO.
int relay_store_purge(relay_store_purge_result *out, relay_store *s,
                      const relay_store_purge_opts *opts, dm_err *err);

// ---- readers ----------------------------------------------------------------------------

// relay_store_reader_create makes a reader positioned before the first stored event.
// The reader holds no LMDB transaction between calls. Errors: DM_ERR_NOMEM.
int relay_store_reader_create(relay_store_reader **out, relay_store *s, dm_err *err);

// relay_store_reader_destroy frees r. r may be NULL.
void relay_store_reader_destroy(relay_store_reader *r);

// relay_store_reader_seek_pos positions r at the first event at or after pos (in pos's
// epoch and file, or later). A position past the durable end is accepted (r then waits for
// it), also in a file that sorts after every stored file (not reached yet); a file that was
// never stored while later ones were is RELAY_STORE_ERR_UNKNOWN_POS. Errors: RELAY_STORE_ERR_UNKNOWN_POS, RELAY_STORE_ERR_PURGED, RELAY_STORE_ERR_LMDB,
// RELAY_STORE_ERR_CORRUPT.
int relay_store_reader_seek_pos(relay_store_reader *r, const relay_store_pos *pos,
                                dm_err *err);

// relay_store_reader_seek_gtid positions r at the first event of the first transaction
// whose GTID set does not contain (events outside transactions before it are skipped;
// relay_store_file_fde gives the file's FDE). The lookup is a binary search over the
// segments' "GTID set before" index. Errors: RELAY_STORE_ERR_PURGED (set lacks GTIDs
// stored before the oldest retained segment), GTID_ERR_FLAVOR, RELAY_STORE_ERR_LMDB,
// RELAY_STORE_ERR_CORRUPT.
int relay_store_reader_seek_gtid(relay_store_reader *r, const gtid_set *set, dm_err *err);

// relay_store_reader_next hands the next durable event in *out. Returns RELAY_STORE_END
// when none is durable yet (wait and retry). A segment failing its checksum is not served:
// RELAY_STORE_ERR_CORRUPT names it and its position; the reader stays before it.
// Errors: RELAY_STORE_END, RELAY_STORE_ERR_CORRUPT, RELAY_STORE_ERR_PURGED (the reader's
// next segment was purged), RELAY_STORE_ERR_LMDB, DM_ERR_NOMEM.
int relay_store_reader_next(relay_store_event *out, relay_store_reader *r, dm_err *err);

// relay_store_reader_wait blocks up to timeout_ms until events after r's position are
// durable (a condition variable signalled by each commit; no LMDB transaction is held).
// Returns 0 when there are, DM_ERR_TIMEOUT otherwise, RELAY_STORE_END once the store
// closes.
int relay_store_reader_wait(relay_store_reader *r, unsigned timeout_ms, dm_err *err);

// ---- shipped segments -------------------------------------------------------------------

// relay_store_segment_info describes a stored segment.
typedef struct relay_store_segment_info {
    uint64_t id;
    uint32_t epoch;
    char file[RELAY_STORE_FILE_MAX];
    uint64_t first_pos, end_pos; // first event's start, last event's next_pos
    uint32_t events;
    uint32_t raw_bytes, stored_bytes;
    int64_t created; // unix seconds
    gtid_set *gtids_before; // the store's GTID set before the first event (caller destroys)
} relay_store_segment_info;

// relay_store_segment_get appends to out the stored bytes of the first visible segment
// with id >= min_id, exactly as stored (header, compressed events, checksum: what relayd
// ships), and fills *info (destroy info->gtids_before). The bytes are not verified here.
// Any thread. Errors: RELAY_STORE_END (no such segment yet), RELAY_STORE_ERR_LMDB,
// RELAY_STORE_ERR_CORRUPT (index unreadable), DM_ERR_NOMEM.
int relay_store_segment_get(dm_buf *out, relay_store_segment_info *info, relay_store *s,
                            uint64_t min_id, dm_err *err);

// relay_store_segment_iter decodes a shipped segment on the receiving side: init verifies
// the checksum and decompresses (bytes need not outlive init), next hands events (valid
// until the next call or fini). Nothing is handed from a segment that fails its checks.
typedef struct relay_store_segment_iter {
    dm_buf raw;       // decompressed records
    size_t off;
    uint64_t id;
    uint32_t epoch;
    gtid_flavor flavor;
    char file[RELAY_STORE_FILE_MAX];
    bool has_cur_gtid;
    gtid cur_gtid;    // GTID of the transaction in progress
    bool in_trx;
} relay_store_segment_iter;

// relay_store_segment_iter_init checks and opens segment bytes. Zero *it before its first
// init (relay_store_segment_iter it = {0}); later inits reuse its buffer.
// Errors: RELAY_STORE_ERR_CORRUPT (naming what failed), RELAY_STORE_ERR_ZSTD,
// DM_ERR_NOMEM.
int relay_store_segment_iter_init(relay_store_segment_iter *it, const void *bytes, size_t len,
                                  dm_err *err);

// relay_store_segment_iter_next hands the next event. Errors: RELAY_STORE_END at the end
// of the segment, RELAY_STORE_ERR_CORRUPT (a malformed record).
int relay_store_segment_iter_next(relay_store_event *out, relay_store_segment_iter *it,
                                  dm_err *err);

// relay_store_segment_iter_fini frees it's buffers. it may be NULL.
void relay_store_segment_iter_fini(relay_store_segment_iter *it);

#endif
