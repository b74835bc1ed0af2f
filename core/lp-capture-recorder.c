/* lp-capture-recorder.c: a sampler's samples, with their time and thread, into a capture as it records.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <time.h>

#include "lp-capture-recorder.h"
#include "lp-sampler-names.h"
#include "lp-capture-private.h"

/* a thread's name is asked again at its first samples while it may
 * change (a Python thread named once its interpreter is read) */
#define NAME_TRIES 8

/* Samples do not reach us in time order: wall mode counts a thread's
 * wait for a CPU when it next checks the thread, at the time of the code
 * it waited in (up to 400 ms earlier in test-capture-record). They wait
 * here this long, in time order, before they go into the capture (whose
 * samples and file are in time order); a sample later than that is
 * placed at the window's start. */
#define REORDER_NS ((guint64) 500 * 1000 * 1000)

typedef struct
{
  guint64 time_ns;
  guint   thread;
  guint   stack;    /* G_MAXUINT: the thread's end, not a sample */
  guint   weight;
  guint   flags;
} Pending;

struct _LpCaptureRecorder
{
  LpSampler  *sampler;
  LpFolded   *src;       /* the sampler's aggregate */
  LpCapture  *capture;
  GArray     *frame_map;   /* the sampler's frame id -> the capture's; G_MAXUINT32 unknown */
  guint       n_sources;   /* the sampler's source files given to the capture */
  GArray     *stack_map;   /* the sampler's stack index -> the capture's */
  GArray     *path;
  GHashTable *name_tries;  /* tid -> tries left + 1, while the name may change */
  GArray     *pending;     /* Pending, in time order, from pending_head on */
  guint       pending_head;
  guint64     released_ns; /* the time of the last sample given to the capture */
  gboolean    started;
};

/* gives the capture the pending samples before @until_ns */
static void
release (LpCaptureRecorder *self,
         guint64            until_ns)
{
  guint n = self->pending_head;

  while (n < self->pending->len && g_array_index (self->pending, Pending, n).time_ns < until_ns)
    {
      const Pending *p = &g_array_index (self->pending, Pending, n);

      if (p->stack == G_MAXUINT)
        lp_capture_end_thread (self->capture, p->thread, p->time_ns);
      else
        lp_capture_add_sample (self->capture, p->time_ns, p->thread, p->stack, p->weight, p->flags, NULL);
      self->released_ns = MAX (self->released_ns, p->time_ns);
      n++;
    }
  /* the released ones are dropped from the front now and then, not at
   * each sample: moving the window's thousands of samples every time cost
   * the sampler thread a memmove of up to 100 KB a sample */
  self->pending_head = n;
  if (n >= 1024 && n >= self->pending->len / 2)
    {
      g_array_remove_range (self->pending, 0, n);
      self->pending_head = 0;
    }
}

/* holds a sample in time order; releases those the window has passed */
static void
hold (LpCaptureRecorder *self,
      const Pending     *p)
{
  Pending late = *p;
  guint i = self->pending->len;
  guint64 newest;

  /* later than the window: at its start */
  late.time_ns = MAX (late.time_ns, self->released_ns);
  while (i > self->pending_head && g_array_index (self->pending, Pending, i - 1).time_ns > late.time_ns)
    i--;
  g_array_insert_val (self->pending, i, late);
  newest = g_array_index (self->pending, Pending, self->pending->len - 1).time_ns;
  if (newest > REORDER_NS)
    release (self, newest - REORDER_NS);
}

static guint32
map_frame (LpCaptureRecorder *self,
           LpFolded          *src,
           guint32            frame)
{
  guint32 *slot;

  if (frame >= self->frame_map->len)
    {
      guint old = self->frame_map->len;

      g_array_set_size (self->frame_map, MAX (frame + 1, old * 2));
      memset (&g_array_index (self->frame_map, guint32, old), 0xff,
              (self->frame_map->len - old) * sizeof (guint32));
    }
  slot = &g_array_index (self->frame_map, guint32, frame);
  if (*slot == G_MAXUINT32)
    *slot = lp_folded_intern (self->capture->folded, lp_folded_frame_name (src, frame), -1);
  return *slot;
}

/* the capture's stack index of the sampler's stack @sample->stack */
static gboolean
map_stack (LpCaptureRecorder     *self,
           const LpSamplerSample *sample,
           LpFolded              *src,
           guint                 *index)
{
  guint *slot;

  if (sample->stack >= self->stack_map->len)
    {
      guint old = self->stack_map->len;

      g_array_set_size (self->stack_map, MAX (sample->stack + 1, old * 2));
      memset (&g_array_index (self->stack_map, guint, old), 0xff,
              (self->stack_map->len - old) * sizeof (guint));
    }
  slot = &g_array_index (self->stack_map, guint, sample->stack);
  if (*slot == G_MAXUINT)
    {
      g_array_set_size (self->path, sample->depth);
      for (guint d = 0; d < sample->depth; d++)
        g_array_index (self->path, guint32, d) = map_frame (self, src, sample->frames[d]);
      if (!lp_folded_add (self->capture->folded, (const guint32 *) (gpointer) self->path->data,
                          sample->depth, 0, 0, 0, slot, NULL))
        return FALSE;
    }
  *index = *slot;
  return TRUE;
}

/* the capture's thread of @sample, added (and named) if new */
static guint
thread_of (LpCaptureRecorder     *self,
           const LpSamplerSample *sample)
{
  guint thread = lp_capture_find_thread (self->capture, sample->pid, sample->tid);
  gpointer key = GINT_TO_POINTER (sample->tid);
  guint tries = GPOINTER_TO_UINT (g_hash_table_lookup (self->name_tries, key));

  if (thread == G_MAXUINT || tries > 1)
    {
      gboolean final = FALSE;
      g_autofree char *name = lp_sampler_get_thread_name (self->sampler, sample->pid, sample->tid, &final);

      if (thread == G_MAXUINT)
        {
          thread = lp_capture_add_thread (self->capture, sample->pid, sample->tid, name, sample->time_ns);
          tries = NAME_TRIES + 1;
        }
      else if (name != NULL)
        lp_capture_add_thread (self->capture, sample->pid, sample->tid, name, sample->time_ns);
      if (final || --tries <= 1)
        g_hash_table_remove (self->name_tries, key);
      else
        g_hash_table_insert (self->name_tries, key, GUINT_TO_POINTER (tries));
    }
  return thread;
}

static void
on_sample (LpSampler             *sampler,
           const LpSamplerSample *sample,
           gpointer               user_data)
{
  LpCaptureRecorder *self = user_data;
  guint stack;

  if (!self->started)
    {
      /* the wall-clock time of the start of sampling */
      struct timespec ts;

      clock_gettime (CLOCK_MONOTONIC, &ts);
      self->capture->info.start_unix_us = g_get_real_time () -
        ((gint64) ts.tv_sec * 1000000000 + ts.tv_nsec - lp_sampler_get_start_ns (sampler)) / 1000;
      self->started = TRUE;
    }
  if (sample->ended)
    {
      guint thread = G_MAXUINT;

      /* the thread of any process the sampler follows */
      for (guint i = self->capture->threads->len; i-- > 0 && thread == G_MAXUINT;)
        {
          const LpCaptureThread *t = &g_array_index (self->capture->threads, LpCaptureThread, i);

          if (t->tid == sample->tid && t->end_ns == LP_CAPTURE_TIME_NONE)
            thread = i;
        }
      /* in time order with its last samples, which may come later */
      if (thread != G_MAXUINT)
        hold (self, &(Pending) { sample->time_ns, thread, G_MAXUINT, 0, 0 });
      g_hash_table_remove (self->name_tries, GINT_TO_POINTER (sample->tid));
      return;
    }
  if (!map_stack (self, sample, self->src, &stack))
    return;
  hold (self, &(Pending) { sample->time_ns, thread_of (self, sample), stack, sample->weight,
                           sample->idle ? LP_CAPTURE_SAMPLE_IDLE : 0 });
}

LpCaptureRecorder *
lp_capture_recorder_new (LpSampler              *sampler,
                         const LpSamplerOptions *opts,
                         LpFolded               *aggregate,
                         LpCapture              *capture)
{
  LpCaptureRecorder *self = g_new0 (LpCaptureRecorder, 1);
  LpCaptureInfo *info = &capture->info;

  self->sampler = sampler;
  self->src = aggregate;
  self->capture = capture;
  self->frame_map = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->stack_map = g_array_new (FALSE, FALSE, sizeof (guint));
  self->path = g_array_new (FALSE, FALSE, sizeof (guint32));
  self->name_tries = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->pending = g_array_new (FALSE, FALSE, sizeof (Pending));
  lp_capture_info_set_string (capture, &info->source, "laprof");
  lp_capture_info_set_string (capture, &info->mode, lp_sampler_mode_to_string (opts->mode));
  lp_capture_info_set_string (capture, &info->host, g_get_host_name ());
  info->period = opts->period;
  lp_sampler_set_sample_func (sampler, on_sample, self);
  return self;
}

void
lp_capture_recorder_update (LpCaptureRecorder *self)
{
  LpCaptureInfo *info = &self->capture->info;
  LpSamplerStats st;
  gboolean on = FALSE;
  const char *python = lp_sampler_get_python (self->sampler, &on);

  lp_sampler_get_stats (self->sampler, &st);
  /* a quiet spell releases what the window has passed */
  if (self->started)
    {
      struct timespec ts;
      gint64 now;

      clock_gettime (CLOCK_MONOTONIC, &ts);
      now = (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec - lp_sampler_get_start_ns (self->sampler);
      if (now > (gint64) REORDER_NS)
        release (self, now - REORDER_NS);
    }
  info->pid = lp_sampler_get_pid (self->sampler);
  if (g_strcmp0 (info->command, lp_sampler_get_command (self->sampler)) != 0)
    lp_capture_info_set_string (self->capture, &info->command, lp_sampler_get_command (self->sampler));
  if (g_strcmp0 (info->python, python) != 0)
    lp_capture_info_set_string (self->capture, &info->python, python);
  info->python_on = on;
  memcpy (info->lost, st.lost, sizeof info->lost);
  info->lost_total = st.lost_total;
  /* where the source files the frames name were */
  for (; self->n_sources < lp_sampler_names_get_n_sources (self->sampler); self->n_sources++)
    {
      const char *file, *path;

      lp_sampler_names_get_source (self->sampler, self->n_sources, &file, &path);
      lp_capture_add_source (self->capture, file, path);
    }
}

void
lp_capture_recorder_finish (LpCaptureRecorder    *self,
                            const LpSamplerStats *stats,
                            const char           *reason,
                            int                   exit_code)
{
  LpCaptureInfo *info = &self->capture->info;

  lp_capture_recorder_update (self);
  release (self, G_MAXUINT64);
  memcpy (info->lost, stats->lost, sizeof info->lost);
  info->lost_total = stats->lost_total;
  info->duration = stats->duration;
  info->exit_status = exit_code;
  lp_capture_info_set_string (self->capture, &info->end_reason, reason);
}

void
lp_capture_recorder_free (LpCaptureRecorder *self)
{
  if (self == NULL)
    return;
  lp_sampler_set_sample_func (self->sampler, NULL, NULL);
  g_array_unref (self->frame_map);
  g_array_unref (self->stack_map);
  g_array_unref (self->path);
  g_hash_table_unref (self->name_tries);
  g_array_unref (self->pending);
  g_free (self);
}

void
lp_capture_recorder_rename (LpCaptureRecorder *self,
                            GPtrArray         *names)
{
  for (guint f = 0; f < names->len && f < self->frame_map->len; f++)
    {
      guint32 frame = g_array_index (self->frame_map, guint32, f);
      const char *name = g_ptr_array_index (names, f);

      if (name != NULL && frame != G_MAXUINT32)
        lp_capture_rename_frame (self->capture, frame, name);
    }
}
