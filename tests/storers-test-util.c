/* storers-test-util.c: what the storer tests share: a clean AWS environment, the S3 gate, awscli.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <curl/curl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "storers-test-util.h"

struct _StorersGate
{
  GSubprocess *process;
  char        *endpoint;
  char        *data_dir;
};

char *
storers_test_clean_aws_env (void)
{
  g_auto(GStrv) env = g_get_environ ();
  char *dir = g_dir_make_tmp ("laprof-aws-XXXXXX", NULL);
  g_autofree char *creds = g_build_filename (dir, "credentials", NULL);
  g_autofree char *conf = g_build_filename (dir, "config", NULL);

  for (guint i = 0; env[i] != NULL; i++)
    if (g_str_has_prefix (env[i], "AWS_"))
      {
        g_autofree char *name = g_strndup (env[i], strcspn (env[i], "="));
        g_unsetenv (name);
      }
  g_setenv ("AWS_SHARED_CREDENTIALS_FILE", creds, TRUE);
  g_setenv ("AWS_CONFIG_FILE", conf, TRUE);
  g_setenv ("AWS_EC2_METADATA_DISABLED", "true", TRUE);
  return dir;
}

void
storers_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        storers_test_rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static gboolean
have_modules (const char *s3dir)
{
  const char *modules[] = { "s3rver", "@smithy/signature-v4", "@aws-crypto/sha256-js" };

  for (guint i = 0; i < G_N_ELEMENTS (modules); i++)
    {
      g_autofree char *pkg = g_build_filename (s3dir, "node_modules", modules[i], "package.json", NULL);
      if (!g_file_test (pkg, G_FILE_TEST_EXISTS))
        return FALSE;
    }
  return TRUE;
}

StorersGate *
storers_test_gate_start (char **why)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");
  g_autofree char *s3dir = NULL;
  g_autofree char *gate_js = NULL;
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *line = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  StorersGate *gate;

  g_assert_nonnull (srcdir);
  s3dir = g_build_filename (srcdir, "s3", NULL);
  gate_js = g_build_filename (s3dir, "gate.js", NULL);
  if (node == NULL)
    {
      *why = g_strdup_printf ("node is not installed: the S3 tests need it (apt-get install nodejs npm)");
      return NULL;
    }
  if (!have_modules (s3dir))
    {
      /* the test setup installs what package-lock.json pins (CI does this too) */
      const char *npm_argv[] = { "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error", NULL };
      g_autofree char *npm_out = NULL;
      int status = 0;

      g_printerr ("# installing the npm modules in %s\n", s3dir);
      /* npm's chatter must not reach standard output, where TAP is */
      if (!g_spawn_sync (s3dir, (char **) npm_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                         &npm_out, NULL, &status, &error) ||
          !g_spawn_check_wait_status (status, NULL) || !have_modules (s3dir))
        {
          *why = g_strdup_printf ("the npm modules of the S3 gate are missing and 'npm ci' in %s failed%s%s; "
                              "run: npm ci --prefix %s", s3dir, error ? ": " : "",
                              error ? error->message : "", s3dir);
          return NULL;
        }
    }

  gate = g_new0 (StorersGate, 1);
  gate->data_dir = g_dir_make_tmp ("laprof-s3rver-XXXXXX", NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "GATE_CREDENTIALS",
                                GATE_KEY ":" GATE_SECRET ";" GATE_TOKEN_KEY ":" GATE_TOKEN_SECRET ":" GATE_TOKEN,
                                TRUE);
  /* s3rver makes ListObjectsV2 continuation tokens with DES, which OpenSSL 3
   * keeps in its legacy provider */
  gate->process = g_subprocess_launcher_spawn (launcher, &error, node, "--openssl-legacy-provider", gate_js,
                                               "--dir", gate->data_dir, "--bucket", GATE_BUCKET,
                                               "--region", "us-east-1", NULL);
  if (gate->process == NULL)
    {
      *why = g_strdup_printf ("could not start the S3 gate: %s", error->message);
      storers_test_gate_stop (gate);
      return NULL;
    }
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (gate->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "READY "))
    {
      *why = g_strdup_printf ("the S3 gate did not start (%s); see its errors above",
                          error ? error->message : line ? line : "no output");
      storers_test_gate_stop (gate);
      return NULL;
    }
  gate->endpoint = g_strdup_printf ("http://127.0.0.1:%s", line + 6);
  g_printerr ("# S3 gate at %s\n", gate->endpoint);
  return gate;
}

void
storers_test_gate_stop (StorersGate *gate)
{
  if (gate == NULL)
    return;
  if (gate->process != NULL)
    {
      /* closing its standard input is how it knows to stop */
      g_output_stream_close (g_subprocess_get_stdin_pipe (gate->process), NULL, NULL);
      g_subprocess_send_signal (gate->process, SIGTERM);
      g_subprocess_wait (gate->process, NULL, NULL);
      g_object_unref (gate->process);
    }
  storers_test_rm_rf (gate->data_dir);
  g_free (gate->data_dir);
  g_free (gate->endpoint);
  g_free (gate);
}

const char *
storers_test_gate_endpoint (StorersGate *gate)
{
  return gate->endpoint;
}

static size_t
collect (char *data, size_t size, size_t n, void *user_data)
{
  g_string_append_len (user_data, data, size * n);
  return size * n;
}

static char *
gate_call (StorersGate *gate,
           const char  *path,
           const char  *post)
{
  g_autofree char *url = g_strconcat (gate->endpoint, path, NULL);
  GString *body = g_string_new (NULL);
  CURL *curl = curl_easy_init ();
  CURLcode rc;

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, body);
  if (post != NULL)
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, post);
  rc = curl_easy_perform (curl);
  curl_easy_cleanup (curl);
  g_assert_cmpint (rc, ==, CURLE_OK);
  return g_string_free (body, FALSE);
}

void
storers_test_gate_fault (StorersGate *gate,
                         guint        status,
                         guint        count)
{
  g_autofree char *json = status == 0
    ? g_strdup_printf ("{\"drop\":true,\"count\":%u}", count)
    : status == 1
    ? g_strdup_printf ("{\"hang\":true,\"count\":%u}", count)
    : g_strdup_printf ("{\"status\":%u,\"count\":%u}", status, count);
  g_autofree char *answer = gate_call (gate, "/__gate/fault", json);
}

guint
storers_test_gate_stat (StorersGate *gate,
                        const char  *name)
{
  g_autofree char *json = gate_call (gate, "/__gate/stats", NULL);
  g_autofree char *needle = g_strdup_printf ("\"%s\":", name);
  const char *at = strstr (json, needle);

  g_assert_nonnull (at);
  return (guint) g_ascii_strtoull (at + strlen (needle), NULL, 10);
}

char *
storers_test_aws (StorersGate        *gate,
                  const char * const *args,
                  gsize              *len)
{
  g_autofree char *aws = g_file_test ("/usr/bin/aws", G_FILE_TEST_IS_EXECUTABLE)
                           ? g_strdup ("/usr/bin/aws") : g_find_program_in_path ("aws");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();

  if (aws == NULL)
    {
      g_test_fail_printf ("awscli is not installed: the S3 tests need it (apt-get install awscli)");
      return NULL;
    }
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  for (guint i = 0; env[i] != NULL; i++)
    if (g_str_has_prefix (env[i], "AWS_"))
      {
        g_autofree char *name = g_strndup (env[i], strcspn (env[i], "="));
        g_subprocess_launcher_unsetenv (launcher, name);
      }
  g_subprocess_launcher_setenv (launcher, "AWS_ACCESS_KEY_ID", GATE_KEY, TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_SECRET_ACCESS_KEY", GATE_SECRET, TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_DEFAULT_REGION", "us-east-1", TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_EC2_METADATA_DISABLED", "true", TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_CONFIG_FILE", "/nonexistent/aws-config", TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials", TRUE);
  g_subprocess_launcher_setenv (launcher, "AWS_PAGER", "", TRUE);

  g_ptr_array_add (argv, aws);
  g_ptr_array_add (argv, (char *) "--endpoint-url");
  g_ptr_array_add (argv, gate->endpoint);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (proc))
    {
      g_test_fail_printf ("aws failed: %.*s", (int) g_bytes_get_size (err),
                          (const char *) g_bytes_get_data (err, NULL));
      return NULL;
    }
  if (len != NULL)
    *len = g_bytes_get_size (out);
  return g_strndup (g_bytes_get_data (out, NULL), g_bytes_get_size (out));
}

int
storers_test_run_cli (const char * const *args,
                      const char * const *env,
                      char              **out,
                      char              **err)
{
  const char *cli = g_getenv ("LAPROF_CLI");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (cli);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_autofree char *name = g_strndup (env[i], strcspn (env[i], "="));
      g_subprocess_launcher_setenv (launcher, name, env[i] + strlen (name) + 1, TRUE);
    }
  g_ptr_array_add (argv, (char *) cli);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_test_message ("laprof-cli %s: %s", args[0], err != NULL && *err != NULL ? *err : "");
  return g_subprocess_get_exit_status (proc);
}
