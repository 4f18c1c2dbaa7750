// causality: which worker a row change may run on.
//
// Changes touching the same row must be applied in binlog order, so every key value a
// change touches (each unique key of the before and after image, see dml_change_key) is
// remembered with the worker the change went to; a later change touching any of those
// values goes to the same worker. When a change touches values held by two different
// workers it cannot be placed without reordering: causality_assign reports a conflict, and
// the caller flushes every worker (a barrier) and calls causality_reset.
//
// Entries are tagged with an epoch: the caller advances the epoch each time it asks every
// worker to flush (a checkpoint marker) and tells causality which epochs are committed; a
// value whose entry predates the last committed epoch is free again and does not conflict.
// causality_prune drops such entries so the map stays bounded.
//
// A causality object is single-threaded (the sync reader owns it).
#ifndef CAUSALITY_H
#define CAUSALITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dm_err.h"

typedef struct causality causality;

// causality_create makes an empty map for n_workers workers (>= 1).
// Errors: DM_ERR_INVALID_ARG, DM_ERR_NOMEM.
int causality_create(causality **out, unsigned n_workers, dm_err *err);
// causality_destroy frees c; NULL accepted.
void causality_destroy(causality *c);

// causality_assign places a change that touches the n key values keys[i] (lens[i] bytes
// each): *out_worker receives the worker. With no live key value the worker is chosen by
// the hash of keys[0] (or of fallback when n is 0, e.g. the table name, so keyless rows of
// one table stay ordered). *conflict is set (and nothing recorded) when live values belong
// to different workers. epoch tags the new entries; entries with an epoch < committed are
// dead. Errors: DM_ERR_NOMEM.
int causality_assign(unsigned *out_worker, bool *conflict, causality *c, const char *const *keys,
                     const size_t *lens, size_t n, const char *fallback, size_t fallback_len,
                     uint64_t epoch, uint64_t committed, dm_err *err);

// causality_reset forgets every entry (after a barrier: every worker is flushed).
void causality_reset(causality *c);

// causality_prune drops entries with epoch < committed. Returns how many remain.
size_t causality_prune(causality *c, uint64_t committed);

// causality_size returns the number of entries.
size_t causality_size(const causality *c);

#endif
