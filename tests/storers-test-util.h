/* storers-test-util.h: what the storer tests share: a clean AWS environment, the S3 gate, awscli.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Unsets every AWS_* variable and points the AWS files at a new empty
 * temporary directory (returned; remove it with storers_test_rm_rf()), so
 * that nothing of the user's ~/.aws leaks into a test. */
char     *storers_test_clean_aws_env (void);
void      storers_test_rm_rf         (const char *path);

typedef struct _StorersGate StorersGate;

/* The gate (tests/s3/gate.js) in front of s3rver on 127.0.0.1, with the
 * bucket "reports" and these keys:
 *   AKIDGOOD / good-secret, AKIDTOKEN / token-secret + token "the-token". */
#define GATE_BUCKET     "reports"
#define GATE_KEY        "AKIDGOOD"
#define GATE_SECRET     "good-secret"
#define GATE_TOKEN_KEY  "AKIDTOKEN"
#define GATE_TOKEN_SECRET "token-secret"
#define GATE_TOKEN      "the-token"

/* storers_test_gate_start: starts node + s3rver (before g_test_run());
 * NULL with *@why when node or the npm modules are missing and cannot be
 * installed with `npm ci`: the tests then fail with @why, never skip. */
StorersGate *storers_test_gate_start    (char **why);
void         storers_test_gate_stop     (StorersGate *gate);
const char  *storers_test_gate_endpoint (StorersGate *gate);
/* the next @count signed requests get HTTP @status (or, @status 0, a
 * dropped connection; @status 1, no answer at all) */
void         storers_test_gate_fault    (StorersGate *gate,
                                         guint        status,
                                         guint        count);
/* a counter from the gate's /__gate/stats: requests, verified, rejected, faults, puts */
guint        storers_test_gate_stat     (StorersGate *gate,
                                         const char  *name);

/* storers_test_aws: runs Debian's awscli (/usr/bin/aws, else aws in PATH)
 * against the gate with the good key; returns its stdout (binary-safe in
 * *@len) or NULL after failing the test. */
char        *storers_test_aws           (StorersGate        *gate,
                                         const char * const *args,
                                         gsize              *len);

/* storers_test_run_cli: laprof-cli with @args and the environment @env
 * (added to ours); *@out and *@err are its outputs; returns the exit status. */
int          storers_test_run_cli       (const char * const *args,
                                         const char * const *env,
                                         char              **out,
                                         char              **err);

G_END_DECLS
