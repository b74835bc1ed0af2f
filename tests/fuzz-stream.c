/* fuzz-stream.c: libFuzzer target for the stream protocol parser (lp_stream_parser_feed).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built with -Dfuzz=true and clang. Besides "no crash, no leak", it checks
 * properties: the events do not depend on how the input is cut (a pipe
 * reads any number of bytes); each STACK event's fields agree with each
 * other and with the aggregate it was added to; the aggregate's total is
 * the sum of the STACK counts. */
#include <glib.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lp-folded.h"
#include "lp-stream.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef struct
{
  GString  *log;     /* the events, written out */
  LpFolded *folded;
  double    total;   /* of the STACK counts */
} Seen;

static void
on_event (const LpStreamEvent *ev,
          gpointer             user_data)
{
  Seen *seen = user_data;

  g_string_append_printf (seen->log, "%d|", ev->type);
  switch (ev->type)
    {
    case LP_STREAM_EVENT_HEADER:
      g_string_append_printf (seen->log, "%u %" G_GINT64_FORMAT " %s %s %.17g\n", ev->version, ev->pid,
                              ev->command ? ev->command : "-", ev->mode ? ev->mode : "-", ev->period);
      break;
    case LP_STREAM_EVENT_STACK:
      if (ev->stack == NULL || !isfinite (ev->count) || ev->count < 0)
        abort ();
      g_string_append_len (seen->log, ev->stack, ev->stack_len);
      g_string_append_printf (seen->log, " %.17g %u %u\n", ev->count, ev->depth, ev->index);
      seen->total += ev->count;
      if (seen->folded != NULL)
        {
          LpFoldedStack s;
          gsize len = 0;

          /* the frames are the stack's, ';'-separated, and the stack at
           * that index is made of them */
          if (ev->depth == 0 || ev->frames == NULL || ev->index >= lp_folded_get_n_stacks (seen->folded))
            abort ();
          lp_folded_get_stack (seen->folded, ev->index, &s);
          if (s.depth != ev->depth || memcmp (s.frames, ev->frames, ev->depth * sizeof (guint32)) != 0)
            abort ();
          for (guint d = 0; d < ev->depth; d++)
            len += strlen (lp_folded_frame_name (seen->folded, ev->frames[d])) + (d > 0);
          if (len != ev->stack_len)
            abort ();
        }
      break;
    case LP_STREAM_EVENT_BATCH:
    case LP_STREAM_EVENT_END:
      g_string_append_printf (seen->log, "%.17g %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %s %d\n", ev->time,
                              ev->samples, ev->lost, ev->reason ? ev->reason : "-", ev->status);
      break;
    case LP_STREAM_EVENT_DEBUGINFO:
      if (ev->module == NULL || ev->state == NULL)
        abort ();
      g_string_append_printf (seen->log, "%s %s %" G_GINT64_FORMAT "\n", ev->module, ev->state, ev->bytes);
      break;
    case LP_STREAM_EVENT_ERROR:
    case LP_STREAM_EVENT_PYTHON:
      if (ev->message == NULL)
        abort ();
      g_string_append_printf (seen->log, "%s\n", ev->message);
      break;
    default:
      abort ();
    }
}

/* Parses @data cut into pieces of @step bytes (0: all at once); the
 * result: whether it was accepted, and the events in @seen. */
static gboolean
parse (const uint8_t *data,
       size_t         size,
       gsize          step,
       Seen          *seen)
{
  g_autoptr(LpStreamParser) parser = lp_stream_parser_new (seen->folded, on_event, seen);
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  if (step == 0)
    step = MAX (size, 1);
  for (gsize off = 0; ok && off < size; off += step)
    ok = lp_stream_parser_feed (parser, (const char *) data + off, MIN (step, size - off), &error);
  if (ok)
    ok = lp_stream_parser_finish (parser, &error);
  if (ok != (error == NULL))
    abort ();
  g_string_append_printf (seen->log, "ok=%d skipped=%" G_GUINT64_FORMAT " ended=%d\n", ok,
                          lp_stream_parser_get_n_skipped (parser), lp_stream_parser_has_ended (parser));
  return ok;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(LpFolded) folded_whole = lp_folded_new ();
  g_autoptr(LpFolded) folded_pieces = lp_folded_new ();
  Seen whole = { g_string_new (NULL), folded_whole, 0 }, pieces = { g_string_new (NULL), folded_pieces, 0 };
  gsize step = size > 0 ? (gsize) data[0] % 61 + 1 : 1;

  parse (data, size, 0, &whole);
  parse (data, size, step, &pieces);
  /* the same events, however the input is cut */
  if (!g_string_equal (whole.log, pieces.log))
    abort ();
  /* the aggregate holds what the events said, to rounding */
  if (fabs (lp_folded_get_total (folded_pieces) - pieces.total) > 1e-9 * MAX (1.0, pieces.total))
    abort ();
  g_string_free (whole.log, TRUE);
  g_string_free (pieces.log, TRUE);
  return 0;
}
