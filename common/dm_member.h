// dm_member: the member side of the controller protocol (docs/controller.md), shared by
// applierd --join and relayd --join.
//
// A member registers {name, role, addr} with the controller, then every keepalive_ms sends
// a keepalive carrying ops.status() and hands the reply (the desired state) to
// ops.reconcile(). A keepalive answered "not registered" (controller restarted without the
// member, or offline-member) makes it register again. When no keepalive has been
// acknowledged for the controller's TTL, measured from the send time of the last one
// acknowledged (so the member notices before the controller, which counts from receipt),
// ops.fence() is called once per round until the controller answers again.
//
// Threading: dm_member_run blocks on the caller's thread, which is the only one calling the
// ops; dm_member_stop may be called from any thread.
//
// Codes: DM_MEMBER_ERR_NAME_TAKEN and DM_MEMBER_ERR_NOT_REGISTERED are the controller's
// replies (controller class); dm_member_run returns DM_MEMBER_ERR_NAME_TAKEN when the
// registration is refused, DM_ERR_NET / DM_ERR_INVALID_ARG for bad addresses.
#ifndef DM_MEMBER_H
#define DM_MEMBER_H

#include <stdint.h>

#include <jansson.h>

#include "dm_err.h"

#define DM_MEMBER_ERR_NAME_TAKEN 38010     // register: the name is alive at another address
#define DM_MEMBER_ERR_NOT_REGISTERED 38011 // keepalive from a member that is not registered

typedef struct dm_member_ops {
    json_t *(*status)(void *arg);                // a new status object for the keepalive
    void (*reconcile)(void *arg, json_t *reply); // the keepalive reply (borrowed)
    void (*fence)(void *arg);                    // TTL passed without an acknowledgement; may be NULL
} dm_member_ops;

typedef struct dm_member_opts {
    const char *name, *role, *addr; // registered as given
    const char *join;               // controller HOST:PORT or URL
    unsigned keepalive_ms;          // 0 = 1000
    int64_t initial_ttl_ms;         // TTL assumed until the controller gives one; 0 = 10000
    dm_member_ops ops;
    void *arg;                      // passed to the ops
} dm_member_opts;

typedef struct dm_member dm_member;

// dm_member_create copies opts. Errors: DM_ERR_INVALID_ARG (missing name/role/addr/join or
// status/reconcile), DM_ERR_NOMEM.
int dm_member_create(dm_member **out, const dm_member_opts *opts, dm_err *err);

// dm_member_run runs the register/keepalive loop until dm_member_stop (returns 0).
// Errors: DM_MEMBER_ERR_NAME_TAKEN (the loop ends), DM_ERR_INVALID_ARG (bad join address),
// DM_ERR_NET.
int dm_member_run(dm_member *m, dm_err *err);

// dm_member_stop asks dm_member_run to return. Thread-safe.
void dm_member_stop(dm_member *m);

// dm_member_ttl_ms is the keepalive TTL the controller gave at registration
// (opts.initial_ttl_ms before).
int64_t dm_member_ttl_ms(const dm_member *m);

// dm_member_destroy frees m (after dm_member_run returned). m may be NULL.
void dm_member_destroy(dm_member *m);

#endif
