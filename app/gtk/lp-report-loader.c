/* lp-report-loader.c: loads a report file on a worker thread, with progress and cancellation
 * (as sysprof's document loader: the window starts it, shows its progress, and takes the result).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>

#include "lp-capture.h"
#include "lp-folded-reader.h"
#include "lp-report-loader.h"

#define CHUNK (1024 * 1024)
/* what lp_capture_sniff() is shown of a file */
#define SNIFF_BYTES 4096
#define PROGRESS_INTERVAL_US 50000

struct _LpReportLoader
{
  GObject parent_instance;

  GFile   *file;
  double   fraction;
  gboolean started;

  LpReportLoaderModelFunc model_func;
  gpointer                model_data;
  GDestroyNotify          model_destroy;

  /* written by the worker before the task returns, read after */
  guint64  n_skipped;
  char    *first_skip;
  LpCaptureKind kind;
  LpCapture    *capture;      /* a capture or perf script text's, after the load */
};

enum
{
  PROP_0,
  PROP_FRACTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (LpReportLoader, lp_report_loader, G_TYPE_OBJECT)

/* What the worker hands back: the model refers to the names of the
 * report or of its filtered copy, so it goes first. */
typedef struct
{
  LpFolded     *report;
  LpFlameModel *model;
  LpFolded     *filtered;
  LpCapture    *capture;
} LoadResult;

static void
load_result_free (LoadResult *result)
{
  g_clear_pointer (&result->model, lp_flame_model_free);
  g_clear_pointer (&result->filtered, lp_folded_free);
  g_clear_pointer (&result->report, lp_folded_free);
  g_clear_pointer (&result->capture, lp_capture_free);
  g_free (result);
}

typedef struct
{
  LpReportLoader *loader;
  double          fraction;
} Progress;

static gboolean
progress_idle_cb (gpointer user_data)
{
  Progress *p = user_data;

  p->loader->fraction = p->fraction;
  g_object_notify_by_pspec (G_OBJECT (p->loader), properties[PROP_FRACTION]);
  g_object_unref (p->loader);
  g_free (p);
  return G_SOURCE_REMOVE;
}

/* from the worker: the fraction moves in the main context of @task */
static void
post_progress (GTask  *task,
               double  fraction)
{
  Progress *p = g_new0 (Progress, 1);
  g_autoptr(GSource) source = g_idle_source_new ();

  p->loader = g_object_ref (g_task_get_source_object (task));
  p->fraction = fraction;
  g_source_set_callback (source, progress_idle_cb, p, NULL);
  g_source_set_static_name (source, "[laprof] report loader progress");
  g_source_attach (source, g_task_get_context (task));
}

/* reads the rest of @in into @reader, with progress over @size bytes, of
 * which @done were read already */
static gboolean
read_all (GTask          *task,
          GInputStream   *in,
          goffset         size,
          goffset         done,
          LpFoldedReader *reader,
          GCancellable   *cancellable,
          GError        **error)
{
  g_autofree char *buf = g_malloc (CHUNK);
  gint64 last_progress = 0;

  for (;;)
    {
      gssize n = g_input_stream_read (in, buf, CHUNK, cancellable, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        return TRUE;
      if (!lp_folded_reader_feed (reader, buf, (gsize) n, error))
        return FALSE;
      done += n;
      if (size > 0 && g_get_monotonic_time () - last_progress > PROGRESS_INTERVAL_US)
        {
          last_progress = g_get_monotonic_time ();
          post_progress (task, (double) done / size);
        }
    }
}

/* A capture file or perf script text: read whole by lp_capture_load
 * (core), then its report copied for the window, which owns its report
 * as it owns a folded one (the capture keeps its own for the timeline's
 * selections). */
static LpFolded *
load_capture (LpReportLoader  *self,
              GCancellable    *cancellable,
              GError         **error)
{
  g_autofree char *path = g_file_get_path (self->file);
  g_autoptr(LpCapture) capture = NULL;
  g_autoptr(LpFolded) report = lp_folded_new ();

  if (path != NULL)
    capture = lp_capture_load (path, error);
  else
    {
      g_autoptr(GBytes) bytes = g_file_load_bytes (self->file, cancellable, NULL, error);

      if (bytes != NULL)
        capture = lp_capture_load_bytes (bytes, error);
    }
  if (capture == NULL || !lp_folded_merge (report, lp_capture_get_folded (capture), error))
    return NULL;
  self->capture = g_steal_pointer (&capture);
  return g_steal_pointer (&report);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LpReportLoader *self = source_object;
  g_autoptr(LpFolded) folded = NULL;
  g_autoptr(LpFoldedReader) reader = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *head = g_malloc (SNIFF_BYTES);
  gsize head_len = 0;
  LoadResult *result;

  info = g_file_query_info (self->file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, cancellable, NULL);
  in = g_file_read (self->file, cancellable, &error);
  /* what the file holds, from its first bytes */
  if (in == NULL ||
      !g_input_stream_read_all (G_INPUT_STREAM (in), head, SNIFF_BYTES, &head_len, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  self->kind = lp_capture_sniff (head, head_len);
  if (self->kind != LP_CAPTURE_KIND_FOLDED)
    {
      g_clear_object (&in);
      folded = load_capture (self, cancellable, &error);
      if (folded == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  else
    {
      folded = lp_folded_new ();
      reader = lp_folded_reader_new (folded, LP_FOLDED_READER_DEFAULT);
      if (!lp_folded_reader_feed (reader, (const char *) head, head_len, &error) ||
          !read_all (task, G_INPUT_STREAM (in), info != NULL ? g_file_info_get_size (info) : 0,
                     head_len, reader, cancellable, &error) ||
          !lp_folded_reader_finish (reader, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      self->n_skipped = lp_folded_reader_get_n_skipped (reader);
      if (self->n_skipped > 0)
        {
          guint n_skips;
          const LpFoldedSkip *skips = lp_folded_reader_get_skips (reader, &n_skips);

          self->first_skip = g_strdup_printf (_("line %" PRIu64 ": %s"), skips[0].line,
                                              lp_folded_reader_skip_reason_to_string (skips[0].reason));
        }
    }

  result = g_new0 (LoadResult, 1);
  /* the model of a big report takes a while too: build it here */
  if (self->model_func != NULL)
    result->model = self->model_func (folded, &result->filtered, self->model_data);
  result->report = g_steal_pointer (&folded);
  result->capture = g_steal_pointer (&self->capture);
  g_task_return_pointer (task, result, (GDestroyNotify) load_result_free);
}

void
lp_report_loader_load_async (LpReportLoader      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (LP_IS_REPORT_LOADER (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, lp_report_loader_load_async);
  g_task_run_in_thread (task, load_thread);
}

LpFolded *
lp_report_loader_load_finish (LpReportLoader  *self,
                              GAsyncResult    *result,
                              LpFlameModel   **model,
                              LpFolded       **filtered,
                              GError         **error)
{
  LoadResult *loaded;
  LpFolded *report;

  g_return_val_if_fail (LP_IS_REPORT_LOADER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  loaded = g_task_propagate_pointer (G_TASK (result), error);
  if (loaded == NULL)
    return NULL;
  report = g_steal_pointer (&loaded->report);
  if (model != NULL)
    *model = g_steal_pointer (&loaded->model);
  if (filtered != NULL)
    *filtered = g_steal_pointer (&loaded->filtered);
  g_clear_pointer (&self->capture, lp_capture_free);
  self->capture = g_steal_pointer (&loaded->capture);
  load_result_free (loaded);
  return report;
}

LpCapture *
lp_report_loader_take_capture (LpReportLoader *self)
{
  g_return_val_if_fail (LP_IS_REPORT_LOADER (self), NULL);
  return g_steal_pointer (&self->capture);
}

LpCaptureKind
lp_report_loader_get_kind (LpReportLoader *self)
{
  g_return_val_if_fail (LP_IS_REPORT_LOADER (self), LP_CAPTURE_KIND_FOLDED);
  return self->kind;
}

GFile *
lp_report_loader_get_file (LpReportLoader *self)
{
  g_return_val_if_fail (LP_IS_REPORT_LOADER (self), NULL);
  return self->file;
}

double
lp_report_loader_get_fraction (LpReportLoader *self)
{
  g_return_val_if_fail (LP_IS_REPORT_LOADER (self), 0);
  return self->fraction;
}

guint64
lp_report_loader_get_n_skipped (LpReportLoader *self)
{
  g_return_val_if_fail (LP_IS_REPORT_LOADER (self), 0);
  return self->n_skipped;
}

const char *
lp_report_loader_get_first_skip (LpReportLoader *self)
{
  g_return_val_if_fail (LP_IS_REPORT_LOADER (self), NULL);
  return self->first_skip;
}

void
lp_report_loader_set_model_func (LpReportLoader          *self,
                                 LpReportLoaderModelFunc  func,
                                 gpointer                 user_data,
                                 GDestroyNotify           destroy)
{
  g_return_if_fail (LP_IS_REPORT_LOADER (self));
  g_return_if_fail (!self->started);

  if (self->model_destroy != NULL)
    self->model_destroy (self->model_data);
  self->model_func = func;
  self->model_data = user_data;
  self->model_destroy = destroy;
}

static void
lp_report_loader_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  LpReportLoader *self = LP_REPORT_LOADER (object);

  switch (prop_id)
    {
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lp_report_loader_finalize (GObject *object)
{
  LpReportLoader *self = LP_REPORT_LOADER (object);

  if (self->model_destroy != NULL)
    self->model_destroy (self->model_data);
  g_clear_object (&self->file);
  g_free (self->first_skip);
  g_clear_pointer (&self->capture, lp_capture_free);
  G_OBJECT_CLASS (lp_report_loader_parent_class)->finalize (object);
}

static void
lp_report_loader_class_init (LpReportLoaderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lp_report_loader_finalize;
  object_class->get_property = lp_report_loader_get_property;

  properties[PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lp_report_loader_init (LpReportLoader *self)
{
}

LpReportLoader *
lp_report_loader_new (GFile *file)
{
  LpReportLoader *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  self = g_object_new (LP_TYPE_REPORT_LOADER, NULL);
  self->file = g_object_ref (file);
  return self;
}
