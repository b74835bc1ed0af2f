/* test-storers-s3.c: the S3 storer against a real S3 server (s3rver behind a SigV4-checking gate) and awscli.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "lp-s3.h"
#include "lp-spool.h"
#include "lp-storer.h"
#include "lp-storer-s3.h"

#include "storers-test-util.h"

static StorersGate *gate;
static char *gate_why;

/* The figures of the whole run: every report stored is uploaded or spooled. */
static struct
{
  guint tried, uploaded, retried, spooled;
} figures;

typedef struct
{
  char *aws_dir;    /* empty AWS files */
  char *spool_dir;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fx->aws_dir = storers_test_clean_aws_env ();
  fx->spool_dir = g_build_filename (fx->aws_dir, "spool", NULL);
  g_setenv ("LAPROF_SPOOL_DIR", fx->spool_dir, TRUE);
  g_setenv ("LAPROF_S3_RETRY_DELAY_MS", "20", TRUE);
  g_unsetenv ("LAPROF_S3_MAX_ATTEMPTS");
  if (gate == NULL)
    return;
  g_setenv ("AWS_ACCESS_KEY_ID", GATE_KEY, TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", GATE_SECRET, TRUE);
  g_setenv ("AWS_REGION", "us-east-1", TRUE);
  g_setenv ("AWS_ENDPOINT_URL", storers_test_gate_endpoint (gate), TRUE);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  storers_test_rm_rf (fx->aws_dir);
  g_free (fx->aws_dir);
  g_free (fx->spool_dir);
}

#define NEED_GATE() \
  G_STMT_START { \
    if (gate == NULL) \
      { \
        g_test_fail_printf ("the S3 gate is not running: %s", gate_why); \
        return; \
      } \
  } G_STMT_END

static GBytes *
sample_report (void)
{
  const char *text =
    "main;parse_config;read_file 12\n"
    "main;serve;handle request (GET /a b);écrire 7\n"
    "main;serve;std::vector<int>::push_back(int const&) 3.5\n";
  return g_bytes_new_static (text, strlen (text));
}

/* store: lp_storer_store() with the figures kept; *@storer_out keeps the storer for stats */
static gboolean
store (const char   *dest,
       GBytes       *report,
       char        **location,
       LpS3Stats    *stats,
       GError      **error)
{
  g_autoptr(LpStorer) storer = lp_storer_new_for_destination (dest, error);
  LpReportMeta meta = { "/usr/bin/test server", 4242, NULL };
  gboolean ok;

  if (storer == NULL)
    return FALSE;
  ok = lp_storer_store (storer, report, &meta, location, error);
  figures.tried++;
  if (ok)
    figures.uploaded++;
  else if (error != NULL && *error != NULL && strstr ((*error)->message, "is kept in") != NULL)
    figures.spooled++;
  if (lp_storer_is_s3_destination (dest))
    {
      LpS3Stats s;
      lp_s3_client_get_stats (lp_storer_s3_get_client (storer), &s);
      figures.retried += s.retries;
      if (stats != NULL)
        *stats = s;
    }
  return ok;
}

static guint
spool_count (const Fixture *fx)
{
  g_autoptr(GPtrArray) entries = lp_spool_list (fx->spool_dir, NULL);
  return entries != NULL ? entries->len : 0;
}

static void
assert_spooled_identical (const Fixture *fx,
                          GBytes        *report,
                          const char    *message)
{
  g_autoptr(GPtrArray) entries = lp_spool_list (fx->spool_dir, NULL);
  LpSpoolEntry *entry;
  g_autofree char *kept = NULL;
  gsize len;

  g_assert_cmpuint (entries->len, ==, 1);
  entry = entries->pdata[0];
  g_assert_true (strstr (message, entry->path) != NULL);  /* the error says where */
  g_assert_true (g_str_has_prefix (entry->location, "s3://"));
  g_assert_true (g_file_get_contents (entry->path, &kept, &len, NULL));
  g_assert_cmpmem (kept, len, g_bytes_get_data (report, NULL), g_bytes_get_size (report));
}

static void
test_upload_identical (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(GBytes) report = sample_report ();
  g_autoptr(GError) error = NULL;
  g_autofree char *location = NULL;
  g_autofree char *got = NULL;
  LpS3Stats stats;
  gsize len = 0;

  NEED_GATE ();
  g_assert_true (store ("s3://" GATE_BUCKET "/identical/", report, &location, &stats, &error));
  g_assert_no_error (error);
  g_assert_true (g_regex_match_simple ("^s3://reports/identical/\\d{8}T\\d{6}\\.\\d{3}Z-[0-9a-f]{8}-test\\.folded$",
                                       location, 0, 0));
  g_assert_cmpuint (stats.retries, ==, 0);
  g_assert_cmpuint (spool_count (fx), ==, 0);

  {
    const char *args[] = { "s3", "cp", location, "-", NULL };
    got = storers_test_aws (gate, args, &len);
  }
  g_assert_nonnull (got);
  g_assert_cmpmem (got, len, g_bytes_get_data (report, NULL), g_bytes_get_size (report));

  /* stored as text/plain */
  {
    const char *key = location + strlen ("s3://" GATE_BUCKET "/");
    const char *args[] = { "s3api", "head-object", "--bucket", GATE_BUCKET, "--key", key, NULL };
    g_autofree char *head = storers_test_aws (gate, args, NULL);

    g_assert_nonnull (head);
    g_assert_true (strstr (head, "\"ContentType\": \"text/plain\"") != NULL);
  }
}

/* A report of several MiB (curl sends "Expect: 100-continue" past 1 MiB). */
static void
test_upload_large (Fixture       *fx,
                   gconstpointer  data)
{
  GString *text = g_string_new (NULL);
  g_autoptr(GBytes) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *location = NULL;
  g_autofree char *got = NULL;
  gsize len = 0;

  NEED_GATE ();
  for (guint i = 0; text->len < 3 * 1024 * 1024; i++)
    g_string_append_printf (text, "main;worker_%u;compute;inner_loop_%u %u\n", i % 97, i, i % 13 + 1);
  report = g_string_free_to_bytes (text);
  g_assert_true (store ("s3://" GATE_BUCKET "/large/", report, &location, NULL, &error));
  g_assert_no_error (error);
  {
    const char *args[] = { "s3", "cp", location, "-", NULL };
    got = storers_test_aws (gate, args, &len);
  }
  g_assert_nonnull (got);
  g_assert_cmpuint (len, ==, g_bytes_get_size (report));
  g_assert_true (memcmp (got, g_bytes_get_data (report, NULL), len) == 0);
}

static gboolean
count_progress (guint64  done,
                guint64  total,
                gpointer user_data)
{
  guint64 *last = user_data;

  g_assert_cmpuint (done, >=, last[0]);
  last[0] = done;
  last[1] = total;
  last[2]++;
  return TRUE;
}

static gboolean
cancel_at_once (guint64  done,
                guint64  total,
                gpointer user_data)
{
  return FALSE;
}

/* Progress for a progress bar, and cancelling, as the GUI uses them. */
static void
test_progress_and_cancel (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(GBytes) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(LpStorer) storer = NULL;
  g_autofree char *location = NULL;
  guint64 seen[3] = { 0, 0, 0 };
  GString *text = g_string_new (NULL);
  guint puts;

  NEED_GATE ();
  for (guint i = 0; text->len < 2 * 1024 * 1024; i++)
    g_string_append_printf (text, "main;f_%u %u\n", i, i % 5 + 1);
  report = g_string_free_to_bytes (text);

  storer = lp_storer_new_for_destination ("s3://" GATE_BUCKET "/progress/", &error);
  g_assert_no_error (error);
  lp_storer_set_transfer_func (storer, count_progress, seen);
  g_assert_true (lp_storer_store (storer, report, NULL, &location, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen[0], ==, g_bytes_get_size (report));
  g_assert_cmpuint (seen[1], ==, g_bytes_get_size (report));
  g_assert_cmpuint (seen[2], >, 1);

  puts = storers_test_gate_stat (gate, "puts");
  lp_storer_set_transfer_func (storer, cancel_at_once, NULL);
  g_assert_false (lp_storer_store (storer, report, NULL, NULL, &error));
  g_assert_error (error, LP_STORER_ERROR, LP_STORER_ERROR_CANCELLED);
  g_assert_cmpuint (storers_test_gate_stat (gate, "puts"), ==, puts);  /* nothing stored */
  g_assert_cmpuint (spool_count (fx), ==, 0);                          /* nor spooled */
}

/* Keys that need encoding in the path: spaces, '+', '=', '&', '%', UTF-8. */
static void
test_odd_keys (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GBytes) report = sample_report ();
  g_autoptr(GError) error = NULL;
  g_autoptr(LpStorer) storer = NULL;
  g_autoptr(GBytes) back = NULL;
  const char *key = "odd keys/a b+c=d&é~(1)%20;*.folded";
  g_autofree char *url = g_strdup_printf ("s3://%s/%s", GATE_BUCKET, key);
  g_autofree char *got = NULL;
  gsize len = 0;

  NEED_GATE ();
  storer = lp_storer_new_for_destination ("s3://" GATE_BUCKET "/odd keys/", &error);
  g_assert_no_error (error);
  g_assert_true (lp_storer_s3_put (storer, key, report, &error));
  g_assert_no_error (error);
  back = lp_storer_fetch (storer, key, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, report));
  {
    const char *args[] = { "s3", "cp", url, "-", NULL };
    got = storers_test_aws (gate, args, &len);
  }
  g_assert_nonnull (got);
  g_assert_cmpmem (got, len, g_bytes_get_data (report, NULL), g_bytes_get_size (report));
}

static void
test_wrong_secret (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GBytes) report = sample_report ();
  g_autoptr(GError) error = NULL;
  LpS3Stats stats;
  guint rejected = 0;

  NEED_GATE ();
  g_setenv ("AWS_SECRET_ACCESS_KEY", "not-the-secret", TRUE);
  rejected = storers_test_gate_stat (gate, "rejected");
  g_assert_false (store ("s3://" GATE_BUCKET "/denied/", report, NULL, &stats, &error));
  g_assert_error (error, LP_STORER_ERROR, LP_STORER_ERROR_DENIED);
  g_test_message ("error: %s", error->message);
  g_assert_true (strstr (error->message, "403") != NULL);
  g_assert_true (strstr (error->message, "SignatureDoesNotMatch") != NULL);
  g_assert_true (strstr (error->message, "secret access key") != NULL);   /* the hint */
  g_assert_null (strstr (error->message, "not-the-secret"));               /* never the secret */
  g_assert_cmpuint (stats.retries, ==, 0);                                 /* a 403 is not retried */
  g_assert_cmpuint (storers_test_gate_stat (gate, "rejected"), ==, rejected + 1);
  assert_spooled_identical (fx, report, error->message);
}

static void
test_unknown_key (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GBytes) report = sample_report ();
  g_autoptr(GError) error = NULL;

  NEED_GATE ();
  g_setenv ("AWS_ACCESS_KEY_ID", "AKIDNOBODY", TRUE);
  g_assert_false (store ("s3://" GATE_BUCKET "/denied/", report, NULL, NULL, &error));
  g_assert_error (error, LP_STORER_ERROR, LP_STORER_ERROR_DENIED);
  g_assert_true (strstr (error->message, "InvalidAccessKeyId") != NULL);
  g_assert_true (strstr (error->message, "access key id") != NULL);
  assert_spooled_identical (fx, report, error->message);
}

static void
test_no_such_bucket (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GBytes) report = sample_report ();
  g_autoptr(GError) error = NULL;
  LpS3Stats stats;

  NEED_GATE ();
  g_assert_false (store ("s3://no-such-bucket/x/", report, NULL, &stats, &error));
  g_assert_error (error, LP_STORER_ERROR, LP_STORER_ERROR_NOT_FOUND);
  g_test_message ("error: %s", error->message);
  g_assert_true (strstr (error->message, "NoSuchBucket") != NULL);
  g_assert_cmpuint (stats.requests, ==, 1);
  assert_spooled_identical (fx, report, error->message);
}

static void
test_wrong_region (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GBytes) report = sample_report ();
  g_autoptr(GError) error = NULL;

  NEED_GATE ();
  g_setenv ("AWS_REGION", "eu-west-1", TRUE);
  g_assert_false (store ("s3://" GATE_BUCKET "/region/", report, NULL, NULL, &error));
  g_test_message ("error: %s", error->message);
  g_assert_true (strstr (error->message, "region") != NULL);
  assert_spooled_identical (fx, report, error->message);
}

static void
test_server_down (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GBytes) report = sample_report ();
  g_autoptr(GError) error = NULL;
  LpS3Stats stats;

  NEED_GATE ();
  /* port 1 on loopback: nothing listens there, the connection is refused */
  g_setenv ("AWS_ENDPOINT_URL", "http://127.0.0.1:1", TRUE);
  g_setenv ("LAPROF_S3_MAX_ATTEMPTS", "3", TRUE);
  g_assert_false (store ("s3://" GATE_BUCKET "/down/", report, NULL, &stats, &error));
  g_assert_error (error, LP_STORER_ERROR, LP_STORER_ERROR_TRANSIENT);
  g_test_message ("error: %s", error->message);
  g_assert_true (strstr (error->message, "after 3 attempts") != NULL);
  g_assert_cmpuint (stats.requests, ==, 3);
  g_assert_cmpuint (stats.retries, ==, 2);
  assert_spooled_identical (fx, report, error->message);
}

static void
test_retry_500 (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GBytes) report = sample_report ();
  g_autoptr(GError) error = NULL;
  g_autofree char *location = NULL;
  guint faults;
  LpS3Stats stats;

  NEED_GATE ();
  faults = storers_test_gate_stat (gate, "faults");
  storers_test_gate_fault (gate, 500, 2);
  g_assert_true (store ("s3://" GATE_BUCKET "/flaky/", report, &location, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.retries, ==, 2);
  g_assert_cmpuint (stats.requests, ==, 3);
  g_assert_cmpuint (storers_test_gate_stat (gate, "faults"), ==, faults + 2);
  g_assert_cmpuint (spool_count (fx), ==, 0);  /* uploaded, nothing spooled */
}

static void
test_retry_429 (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GBytes) report = sample_report ();
  g_autoptr(GError) error = NULL;
  LpS3Stats stats;

  NEED_GATE ();
  storers_test_gate_fault (gate, 429, 1);  /* slow down */
  g_assert_true (store ("s3://" GATE_BUCKET "/flaky/", report, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.retries, ==, 1);
  g_assert_cmpuint (spool_count (fx), ==, 0);
}

static void
test_retry_dropped (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GBytes) report = sample_report ();
  g_autoptr(GError) error = NULL;
  LpS3Stats stats;

  NEED_GATE ();
  storers_test_gate_fault (gate, 0, 1);
  g_assert_true (store ("s3://" GATE_BUCKET "/flaky/", report, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.retries, ==, 1);
  g_assert_cmpuint (spool_count (fx), ==, 0);
}

static void
test_retry_timeout (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GBytes) report = sample_report ();
  g_autoptr(GError) error = NULL;
  LpS3Stats stats;

  NEED_GATE ();
  g_setenv ("LAPROF_S3_STALL_TIMEOUT_S", "1", TRUE);
  storers_test_gate_fault (gate, 1, 1);
  g_assert_true (store ("s3://" GATE_BUCKET "/flaky/", report, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.retries, ==, 1);
  g_assert_cmpuint (spool_count (fx), ==, 0);
  g_unsetenv ("LAPROF_S3_STALL_TIMEOUT_S");
}

static void
test_retry_exhausted (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GBytes) report = sample_report ();
  g_autoptr(GError) error = NULL;
  LpS3Stats stats;

  NEED_GATE ();
  g_setenv ("LAPROF_S3_MAX_ATTEMPTS", "3", TRUE);
  storers_test_gate_fault (gate, 503, 3);
  g_assert_false (store ("s3://" GATE_BUCKET "/flaky/", report, NULL, &stats, &error));
  g_assert_error (error, LP_STORER_ERROR, LP_STORER_ERROR_TRANSIENT);
  g_test_message ("error: %s", error->message);
  g_assert_true (strstr (error->message, "503") != NULL);
  g_assert_cmpuint (stats.requests, ==, 3);
  assert_spooled_identical (fx, report, error->message);
  storers_test_gate_fault (gate, 500, 0);
}

static void
test_session_token (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GBytes) report = sample_report ();
  g_autoptr(GError) error = NULL;

  NEED_GATE ();
  g_setenv ("AWS_ACCESS_KEY_ID", GATE_TOKEN_KEY, TRUE);
  g_setenv ("AWS_SECRET_ACCESS_KEY", GATE_TOKEN_SECRET, TRUE);
  g_setenv ("AWS_SESSION_TOKEN", GATE_TOKEN, TRUE);
  g_assert_true (store ("s3://" GATE_BUCKET "/token/", report, NULL, NULL, &error));
  g_assert_no_error (error);

  /* the gate wants the token: without it, or with another, 403 */
  g_setenv ("AWS_SESSION_TOKEN", "another-token", TRUE);
  g_assert_false (store ("s3://" GATE_BUCKET "/token/", report, NULL, NULL, &error));
  g_assert_error (error, LP_STORER_ERROR, LP_STORER_ERROR_DENIED);
  g_assert_true (strstr (error->message, "InvalidToken") != NULL);
  g_assert_null (strstr (error->message, "another-token"));
  g_clear_error (&error);
  g_unsetenv ("AWS_SESSION_TOKEN");
  g_assert_false (store ("s3://" GATE_BUCKET "/token/", report, NULL, NULL, &error));
  g_assert_error (error, LP_STORER_ERROR, LP_STORER_ERROR_DENIED);
  g_assert_cmpuint (spool_count (fx), ==, 2);
}

static void
test_profile_files (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GBytes) report = sample_report ();
  g_autoptr(GError) error = NULL;
  g_autofree char *creds = g_build_filename (fx->aws_dir, "credentials", NULL);
  g_autofree char *conf = g_build_filename (fx->aws_dir, "config", NULL);
  g_autofree char *creds_text = NULL;
  g_autofree char *conf_text = NULL;

  NEED_GATE ();
  g_unsetenv ("AWS_ACCESS_KEY_ID");
  g_unsetenv ("AWS_SECRET_ACCESS_KEY");
  g_unsetenv ("AWS_REGION");
  g_unsetenv ("AWS_ENDPOINT_URL");
  creds_text = g_strdup_printf ("[default]\naws_access_key_id = AKIDNOBODY\naws_secret_access_key = x\n\n"
                                "[ci]\naws_access_key_id = %s\naws_secret_access_key = %s\n",
                                GATE_KEY, GATE_SECRET);
  conf_text = g_strdup_printf ("[default]\nregion = eu-west-1\n\n"
                               "[profile ci]\nregion = us-east-1\ns3 =\n  endpoint_url = %s\n",
                               storers_test_gate_endpoint (gate));
  g_assert_true (g_file_set_contents (creds, creds_text, -1, NULL));
  g_assert_true (g_file_set_contents (conf, conf_text, -1, NULL));
  g_setenv ("AWS_PROFILE", "ci", TRUE);

  g_assert_true (store ("s3://" GATE_BUCKET "/profile/", report, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (spool_count (fx), ==, 0);
}

static void
write_report (const char *dir,
              const char *name,
              const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

/* Reports uploaded by `aws s3 cp` merge with `laprof-cli merge s3://…`. */
static void
test_merge_aws_uploaded (Fixture       *fx,
                         gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (fx->aws_dir, "up", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *local = NULL;
  g_autofree char *aws_out = NULL;
  const char *env[] = { NULL };
  int status;

  NEED_GATE ();
  g_mkdir (dir, 0755);
  write_report (dir, "a.folded", "main;a 1\nmain;b 2\n");
  write_report (dir, "b.folded", "main;a 10\nmain;c c 3\n");
  write_report (dir, "c.folded", "main;b 100\n");
  write_report (dir, "notes.txt", "not a report\n");
  {
    const char *args[] = { "s3", "cp", "--recursive", dir, "s3://" GATE_BUCKET "/awsup/", NULL };
    aws_out = storers_test_aws (gate, args, NULL);
    g_assert_nonnull (aws_out);
  }
  {
    const char *args[] = { "merge", "s3://" GATE_BUCKET "/awsup/", NULL };
    status = storers_test_run_cli (args, env, &out, &err);
  }
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "main;a 11\nmain;b 102\nmain;c c 3\n");
  {
    const char *args[] = { "merge", dir, NULL };
    status = storers_test_run_cli (args, env, &local, NULL);
  }
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, local);  /* the same as merging the directory */

  /* merge --store: the merged report goes to S3 too, and reads back the same */
  {
    const char *args[] = { "merge", "-q", "s3://" GATE_BUCKET "/awsup/", "--store", "s3://" GATE_BUCKET "/merged/", NULL };
    g_autofree char *out2 = NULL;
    g_autofree char *err2 = NULL;
    g_autofree char *back = NULL;

    status = storers_test_run_cli (args, env, &out2, &err2);
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpstr (out2, ==, out);
    g_assert_true (strstr (err2, "Stored s3://reports/merged/") != NULL);
    {
      const char *args2[] = { "merge", "s3://" GATE_BUCKET "/merged/", NULL };
      status = storers_test_run_cli (args2, env, &back, NULL);
    }
    g_assert_cmpint (status, ==, 0);
    g_assert_cmpstr (back, ==, out);
  }
}

/* Over 1,000 objects: ListObjectsV2 pages, and every report is merged. */
static void
test_pagination (Fixture       *fx,
                 gconstpointer  data)
{
  const guint n = 1001;
  g_autoptr(LpStorer) storer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GBytes) report = g_bytes_new_static ("main;tick 1\n", 12);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  guint before;
  const char *env[] = { NULL };
  int status;

  NEED_GATE ();
  storer = lp_storer_new_for_destination ("s3://" GATE_BUCKET "/many/", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("many/%05u.folded", i);
      g_assert_true (lp_storer_s3_put (storer, key, report, &error));
      g_assert_no_error (error);
    }
  before = storers_test_gate_stat (gate, "verified");
  names = lp_storer_list (storer, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (names->len, ==, n);
  g_assert_cmpuint (storers_test_gate_stat (gate, "verified") - before, ==, 2);  /* two pages */
  g_assert_cmpstr (names->pdata[0], ==, "many/00000.folded");
  g_assert_cmpstr (names->pdata[n - 1], ==, "many/01000.folded");

  {
    const char *args[] = { "merge", "s3://" GATE_BUCKET "/many/", NULL };
    status = storers_test_run_cli (args, env, &out, &err);
  }
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "main;tick 1001\n");
  g_assert_true (strstr (err, "1001 reports") != NULL);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* a listing that is refused writes nothing and fails */
  {
    const char *args[] = { "merge", "s3://" GATE_BUCKET "/many/", NULL };
    const char *bad_env[] = { "AWS_SECRET_ACCESS_KEY=wrong", NULL };
    status = storers_test_run_cli (args, bad_env, &out, &err);
  }
  g_assert_cmpint (status, ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (strstr (err, "SignatureDoesNotMatch") != NULL);
  g_assert_true (strstr (err, "Nothing was written") != NULL);
}

/* laprof-cli upload: a wrong secret leaves the report in the spool; --spool sends it later. */
static void
test_cli_upload_and_spool (Fixture       *fx,
                           gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (fx->aws_dir, "cli", NULL);
  g_autofree char *file = g_build_filename (dir, "laprof-20260101T000000.000Z-myprog-7.folded", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *listing = NULL;
  const char *bad_env[] = { "AWS_SECRET_ACCESS_KEY=wrong", NULL };
  const char *env[] = { NULL };
  int status;

  NEED_GATE ();
  g_mkdir (dir, 0755);
  write_report (dir, "laprof-20260101T000000.000Z-myprog-7.folded", "main;x 5\n");
  {
    const char *args[] = { "upload", file, "s3://" GATE_BUCKET "/cli/", NULL };
    status = storers_test_run_cli (args, bad_env, &out, &err);
  }
  g_assert_cmpint (status, ==, 2);
  g_assert_true (strstr (err, "SignatureDoesNotMatch") != NULL);
  g_assert_true (strstr (err, fx->spool_dir) != NULL);
  g_assert_null (strstr (err, "wrong"));
  g_assert_cmpuint (spool_count (fx), ==, 1);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  {
    const char *args[] = { "upload", "--spool", NULL };
    status = storers_test_run_cli (args, env, &out, &err);
  }
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_regex_match_simple ("^s3://reports/cli/\\d{8}T\\d{6}\\.\\d{3}Z-[0-9a-f]{8}-myprog-7\\.folded\n$",
                                       out, 0, 0));
  g_assert_cmpuint (spool_count (fx), ==, 0);
  {
    const char *args[] = { "s3", "ls", "s3://" GATE_BUCKET "/cli/", NULL };
    listing = storers_test_aws (gate, args, NULL);
  }
  g_assert_nonnull (listing);
  g_assert_true (strstr (listing, "-myprog-7.folded") != NULL);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* a good upload, with --to */
  {
    const char *args[] = { "upload", "--to", "s3://" GATE_BUCKET "/cli/", file, NULL };
    status = storers_test_run_cli (args, env, &out, &err);
  }
  g_assert_cmpint (status, ==, 0);
  g_assert_true (g_str_has_prefix (out, "s3://reports/cli/"));
}

/* laprof-cli record --store: the recording lands on S3; a bad destination fails first. */
static void
test_cli_record_store (Fixture       *fx,
                       gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *listing = NULL;
  const char *env[] = { NULL };
  int status;

  NEED_GATE ();
  {
    const char *args[] = { "record", "-q", "-d", "0.2", "--store", "s3://" GATE_BUCKET "/rec/", "--", "/bin/sleep", "0.4", NULL };
    status = storers_test_run_cli (args, env, &out, &err);
  }
  g_assert_cmpint (status, ==, 0);
  {
    const char *args[] = { "s3", "ls", "s3://" GATE_BUCKET "/rec/", NULL };
    listing = storers_test_aws (gate, args, NULL);
  }
  g_assert_nonnull (listing);
  g_assert_true (g_regex_match_simple ("\\d{8}T\\d{6}\\.\\d{3}Z-[0-9a-f]{8}-sleep\\.folded", listing, 0, 0));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* no credentials: refused before anything is recorded */
  {
    const char *args[] = { "record", "-d", "5", "--store", "s3://" GATE_BUCKET "/rec/", "--", "/bin/sleep", "5", NULL };
    const char *no_creds[] = { "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", NULL };
    gint64 t0 = g_get_monotonic_time ();

    status = storers_test_run_cli (args, no_creds, &out, &err);
    g_assert_cmpint (status, ==, 2);
    g_assert_true (strstr (err, "No AWS credentials") != NULL);
    g_assert_cmpint (g_get_monotonic_time () - t0, <, 4 * G_USEC_PER_SEC);
  }
}

static void
test_cli_upload_dir (Fixture       *fx,
                     gconstpointer  data)
{
  g_autofree char *dest = g_build_filename (fx->aws_dir, "out", "nested", NULL);
  g_autofree char *file = g_build_filename (fx->aws_dir, "r.folded", NULL);
  g_autofree char *junk = g_build_filename (fx->aws_dir, "junk.txt", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *back = NULL;
  const char *env[] = { NULL };
  int status;

  g_assert_true (g_file_set_contents (file, "a;b 1\n", -1, NULL));
  g_assert_true (g_file_set_contents (junk, "\x01\x02 no\n", -1, NULL));
  {
    const char *args[] = { "upload", file, dest, NULL };
    status = storers_test_run_cli (args, env, &out, &err);
  }
  g_assert_cmpint (status, ==, 0);
  g_strchomp (out);
  g_assert_true (g_str_has_prefix (out, dest));
  g_assert_true (g_file_get_contents (out, &back, NULL, NULL));
  g_assert_cmpstr (back, ==, "a;b 1\n");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* something that is no report: nothing is stored */
  {
    const char *args[] = { "upload", file, junk, dest, NULL };
    status = storers_test_run_cli (args, env, &out, &err);
  }
  g_assert_cmpint (status, ==, 2);
  g_assert_true (strstr (err, "Nothing was stored") != NULL);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* the destination forgotten: the last report is not made a directory */
  {
    const char *args[] = { "upload", file, junk, NULL };
    status = storers_test_run_cli (args, env, &out, &err);
  }
  g_assert_cmpint (status, ==, 2);
  g_assert_true (strstr (err, "is a file") != NULL);
  g_assert_true (g_file_test (junk, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* a directory of reports: each *.folded in it */
  {
    g_autofree char *indir = g_build_filename (fx->aws_dir, "in", NULL);
    g_autofree char *dest2 = g_build_filename (fx->aws_dir, "out2", NULL);
    const char *args[] = { "upload", indir, dest2, NULL };

    g_mkdir (indir, 0755);
    write_report (indir, "one.folded", "a 1\n");
    write_report (indir, "two.folded", "b 2\n");
    write_report (indir, "skip.txt", "c 3\n");
    status = storers_test_run_cli (args, env, &out, &err);
    g_assert_cmpint (status, ==, 0);
    g_assert_true (strstr (err, "Stored 2 of 2 reports") != NULL);
  }
}

/* Last: every report stored in this run was uploaded or spooled, none lost. */
static void
test_figures (Fixture       *fx,
              gconstpointer  data)
{
  g_test_message ("figures: uploads tried %u, uploaded %u, retried %u, spooled %u, lost %u",
                  figures.tried, figures.uploaded, figures.retried, figures.spooled,
                  figures.tried - figures.uploaded - figures.spooled);
  NEED_GATE ();
  g_assert_cmpuint (figures.tried, >, 0);
  g_assert_cmpuint (figures.tried, ==, figures.uploaded + figures.spooled);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/storers/s3/upload-identical", test_upload_identical);
  ADD ("/storers/s3/upload-large", test_upload_large);
  ADD ("/storers/s3/progress-and-cancel", test_progress_and_cancel);
  ADD ("/storers/s3/odd-keys", test_odd_keys);
  ADD ("/storers/s3/wrong-secret", test_wrong_secret);
  ADD ("/storers/s3/unknown-key", test_unknown_key);
  ADD ("/storers/s3/no-such-bucket", test_no_such_bucket);
  ADD ("/storers/s3/wrong-region", test_wrong_region);
  ADD ("/storers/s3/server-down", test_server_down);
  ADD ("/storers/s3/retry-500-twice", test_retry_500);
  ADD ("/storers/s3/retry-429", test_retry_429);
  ADD ("/storers/s3/retry-dropped-connection", test_retry_dropped);
  ADD ("/storers/s3/retry-timeout", test_retry_timeout);
  ADD ("/storers/s3/retry-exhausted", test_retry_exhausted);
  ADD ("/storers/s3/session-token", test_session_token);
  ADD ("/storers/s3/profile-files", test_profile_files);
  ADD ("/storers/s3/merge-aws-uploaded", test_merge_aws_uploaded);
  ADD ("/storers/s3/pagination", test_pagination);
  ADD ("/storers/s3/cli-upload-and-spool", test_cli_upload_and_spool);
  ADD ("/storers/s3/cli-record-store", test_cli_record_store);
  ADD ("/storers/cli/upload-dir", test_cli_upload_dir);
  ADD ("/storers/s3/zz-nothing-lost", test_figures);
#undef ADD

  /* one server for the whole program; a missing node or module fails every
   * S3 test, it never skips them */
  {
    g_autofree char *dir = storers_test_clean_aws_env ();
    gate = storers_test_gate_start (&gate_why);
    if (gate == NULL)
      g_printerr ("# FAILING: %s\n", gate_why);
    storers_test_rm_rf (dir);
  }
  status = g_test_run ();
  g_print ("# figures: uploads tried %u, uploaded %u, retried %u, spooled %u, lost %u\n",
              figures.tried, figures.uploaded, figures.retried, figures.spooled,
              figures.tried - figures.uploaded - figures.spooled);
  storers_test_gate_stop (gate);
  if (figures.tried != figures.uploaded + figures.spooled)
    return 1;
  return status;
}
