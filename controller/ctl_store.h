// ctl_store: the controller's durable state, an embedded LMDB environment of JSON documents.
//
// Keys are "<kind>/<name>" ("source/mysql-01", "task/test", "member/applier-1"); values are
// compact JSON objects. Every put/delete is its own write transaction committed with fsync
// before the call returns, so a reply sent after it survives kill -9.
//
// Threading: a ctl_store may be used from any thread (LMDB serialises writers; readers use
// short read-only transactions, MDB_NOTLS). The handle itself is immutable after open.
//
// Error codes (controller class, 38001-38999):
//   CTL_STORE_ERR_LMDB     38001  an LMDB call failed (message names the call and dir)
//   CTL_STORE_ERR_CORRUPT  38002  a stored value is not a JSON object (key named)
#ifndef CTL_STORE_H
#define CTL_STORE_H

#include <jansson.h>

#include "dm_err.h"

#define CTL_STORE_ERR_LMDB 38001
#define CTL_STORE_ERR_CORRUPT 38002

typedef struct ctl_store ctl_store;

// ctl_store_open opens (creating) the store in directory dir (created when missing).
// Errors: DM_ERR_IO (directory), CTL_STORE_ERR_LMDB (e.g. another process holds it), DM_ERR_NOMEM.
int ctl_store_open(ctl_store **out, const char *dir, dm_err *err);

// ctl_store_close closes s. s may be NULL.
void ctl_store_close(ctl_store *s);

// ctl_store_put stores doc (borrowed) under key durably. Errors: CTL_STORE_ERR_LMDB,
// DM_ERR_INVALID_ARG (empty key, doc not an object), DM_ERR_NOMEM.
int ctl_store_put(ctl_store *s, const char *key, json_t *doc, dm_err *err);

// ctl_store_del removes key durably; a missing key is not an error. Errors: CTL_STORE_ERR_LMDB.
int ctl_store_del(ctl_store *s, const char *key, dm_err *err);

// ctl_store_get reads key into *out (a new reference), or *out = NULL when absent.
// Errors: CTL_STORE_ERR_LMDB, CTL_STORE_ERR_CORRUPT.
int ctl_store_get(json_t **out, ctl_store *s, const char *key, dm_err *err);

// ctl_store_list returns in *out a new object mapping every name stored under
// "<kind>/" to its document. Errors: CTL_STORE_ERR_LMDB, CTL_STORE_ERR_CORRUPT, DM_ERR_NOMEM.
int ctl_store_list(json_t **out, ctl_store *s, const char *kind, dm_err *err);

#endif
