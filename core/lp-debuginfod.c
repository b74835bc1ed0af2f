/* lp-debuginfod.c: a worker thread that fetches debug files with libdebuginfod, one at a time, and says how far it is.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <elfutils/debuginfod.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lp-debuginfod.h"

struct _LpDebuginfod
{
  GMutex       lock;
  GCond        changed;
  GArray      *files;       /* LpDebuginfodFile, in the order asked */
  GHashTable  *by_id;       /* build id (hex) -> index + 1 */
  GAsyncQueue *queue;       /* indexes + 1 to fetch */
  guint        generation;
  guint        busy;        /* pending or running */
  GThread     *thread;
};

static void
file_clear (gpointer data)
{
  LpDebuginfodFile *file = data;

  g_free (file->module);
  g_free (file->build_id);
  g_free (file->error);
}

static char *
hex_of (const guint8 *id,
        gsize         len)
{
  GString *hex = g_string_sized_new (len * 2);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (hex, "%02x", id[i]);
  return g_string_free (hex, FALSE);
}

/* The client cache's directory, as libdebuginfod chooses it. */
static char *
cache_dir (void)
{
  const char *path = g_getenv ("DEBUGINFOD_CACHE_PATH");
  const char *xdg = g_getenv ("XDG_CACHE_HOME");
  g_autofree char *legacy = NULL;

  if (path != NULL && *path != '\0')
    return g_strdup (path);
  legacy = g_build_filename (g_get_home_dir (), ".debuginfod_client_cache", NULL);
  if (g_file_test (legacy, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&legacy);
  if (xdg != NULL && *xdg != '\0')
    return g_build_filename (xdg, "debuginfod_client", NULL);
  return g_build_filename (g_get_home_dir (), ".cache", "debuginfod_client", NULL);
}

int
lp_debuginfod_open_cached (const guint8 *build_id,
                           gsize         len,
                           char        **path)
{
  g_autofree char *dir = cache_dir ();
  g_autofree char *hex = hex_of (build_id, len);
  g_autofree char *file = g_build_filename (dir, hex, "debuginfo", NULL);
  int fd = open (file, O_RDONLY | O_CLOEXEC);

  if (fd >= 0)
    *path = strdup (file);
  return fd;
}

static int
progress (debuginfod_client *client,
          long               bytes,
          long               size)
{
  LpDebuginfod *self = lp_debuginfod_get ();
  guint index = GPOINTER_TO_UINT (debuginfod_get_user_data (client));

  g_mutex_lock (&self->lock);
  {
    LpDebuginfodFile *file = &g_array_index (self->files, LpDebuginfodFile, index);

    file->state = LP_DEBUGINFOD_FETCHING;
    file->bytes = bytes;
    file->size = size > 0 ? size : 0;
  }
  g_mutex_unlock (&self->lock);
  return 0;
}

static char *
describe_failure (int rc)
{
  if (rc == -ENOENT)
    return g_strdup (_("the servers have no debug file for it"));
  if (rc == -ETIME || rc == -ETIMEDOUT)
    return g_strdup (_("the server did not answer in time (DEBUGINFOD_TIMEOUT)"));
  if (rc == -ECONNREFUSED || rc == -EHOSTUNREACH || rc == -ENETUNREACH)
    return g_strdup_printf (_("the server could not be reached (%s)"), g_strerror (-rc));
  return g_strdup (g_strerror (-rc));
}

static gpointer
worker (gpointer data)
{
  LpDebuginfod *self = data;

  for (;;)
    {
      guint index = GPOINTER_TO_UINT (g_async_queue_pop (self->queue)) - 1;
      debuginfod_client *client = debuginfod_begin ();
      g_autofree char *hex = NULL;
      g_autofree guint8 *id = NULL;
      gsize len;
      char *path = NULL;
      int fd = -ENOMEM;

      g_mutex_lock (&self->lock);
      hex = g_strdup (g_array_index (self->files, LpDebuginfodFile, index).build_id);
      g_array_index (self->files, LpDebuginfodFile, index).state = LP_DEBUGINFOD_FETCHING;
      g_mutex_unlock (&self->lock);
      len = strlen (hex) / 2;
      id = g_malloc (len);
      for (gsize i = 0; i < len; i++)
        id[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) * 16 + g_ascii_xdigit_value (hex[2 * i + 1]));
      if (client != NULL)
        {
          debuginfod_set_user_data (client, GUINT_TO_POINTER (index));
          debuginfod_set_progressfn (client, progress);
          fd = debuginfod_find_debuginfo (client, id, (int) len, &path);
          debuginfod_end (client);
        }
      if (fd >= 0)
        close (fd);
      free (path);

      g_mutex_lock (&self->lock);
      {
        LpDebuginfodFile *file = &g_array_index (self->files, LpDebuginfodFile, index);

        if (fd >= 0)
          {
            file->state = LP_DEBUGINFOD_DONE;
            self->generation++;
          }
        else
          {
            file->state = LP_DEBUGINFOD_FAILED;
            file->error = describe_failure (fd);
          }
        self->busy--;
        g_cond_broadcast (&self->changed);
      }
      g_mutex_unlock (&self->lock);
    }
  return NULL;
}

LpDebuginfod *
lp_debuginfod_get (void)
{
  static LpDebuginfod *fetcher;
  static gsize once;

  if (g_once_init_enter (&once))
    {
      g_autofree char *urls = g_strdup (g_getenv ("DEBUGINFOD_URLS"));

      if (urls != NULL && *g_strstrip (urls) != '\0')
        {
          LpDebuginfod *self = g_new0 (LpDebuginfod, 1);

          g_mutex_init (&self->lock);
          g_cond_init (&self->changed);
          self->files = g_array_new (FALSE, TRUE, sizeof (LpDebuginfodFile));
          g_array_set_clear_func (self->files, file_clear);
          self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          self->queue = g_async_queue_new ();
          self->thread = g_thread_new ("laprof-debuginfod", worker, self);
          fetcher = self;
        }
      g_once_init_leave (&once, 1);
    }
  return fetcher;
}

void
lp_debuginfod_request (LpDebuginfod *self,
                       const guint8 *build_id,
                       gsize         len,
                       const char   *module)
{
  g_autofree char *hex = NULL;

  if (len == 0)
    return;
  hex = hex_of (build_id, len);
  g_mutex_lock (&self->lock);
  if (!g_hash_table_contains (self->by_id, hex))
    {
      LpDebuginfodFile file = { 0 };
      const char *base = module != NULL ? strrchr (module, '/') : NULL;

      file.module = g_strdup (base != NULL ? base + 1 : module != NULL ? module : hex);
      file.build_id = g_strdup (hex);
      file.state = LP_DEBUGINFOD_PENDING;
      g_array_append_val (self->files, file);
      g_hash_table_insert (self->by_id, g_steal_pointer (&hex), GUINT_TO_POINTER (self->files->len));
      self->busy++;
      g_async_queue_push (self->queue, GUINT_TO_POINTER (self->files->len));
    }
  g_mutex_unlock (&self->lock);
}

guint
lp_debuginfod_get_generation (LpDebuginfod *self)
{
  guint generation;

  g_mutex_lock (&self->lock);
  generation = self->generation;
  g_mutex_unlock (&self->lock);
  return generation;
}

GArray *
lp_debuginfod_list (LpDebuginfod *self)
{
  GArray *copy = g_array_new (FALSE, TRUE, sizeof (LpDebuginfodFile));

  g_array_set_clear_func (copy, file_clear);
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->files->len; i++)
    {
      LpDebuginfodFile file = g_array_index (self->files, LpDebuginfodFile, i);

      file.module = g_strdup (file.module);
      file.build_id = g_strdup (file.build_id);
      file.error = g_strdup (file.error);
      g_array_append_val (copy, file);
    }
  g_mutex_unlock (&self->lock);
  return copy;
}

gboolean
lp_debuginfod_wait (LpDebuginfod *self,
                    gint64        timeout_us)
{
  gint64 end = g_get_monotonic_time () + timeout_us;
  gboolean none;

  g_mutex_lock (&self->lock);
  while (self->busy > 0 && g_cond_wait_until (&self->changed, &self->lock, end))
    ;
  none = self->busy == 0;
  g_mutex_unlock (&self->lock);
  return none;
}
