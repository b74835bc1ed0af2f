/* lp-report-view.c: one view of a report (hidden frames, idle samples, focus, order) and the model it shows.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "lp-collapse.h"
#include "lp-kernel.h"
#include "lp-report-view.h"

void
lp_report_view_clear (LpReportView *self)
{
  g_return_if_fail (self != NULL);
  g_clear_pointer (&self->hidden, g_strfreev);
  g_clear_pointer (&self->focus, g_free);
  memset (self, 0, sizeof *self);
}

LpReportView *
lp_report_view_copy (const LpReportView *self)
{
  LpReportView *copy;

  g_return_val_if_fail (self != NULL, NULL);
  copy = g_new0 (LpReportView, 1);
  copy->reverse = self->reverse;
  copy->hide_idle = self->hide_idle;
  copy->hide_kernel = self->hide_kernel;
  copy->hidden = g_strdupv (self->hidden);
  copy->focus = g_strdup (self->focus);
  return copy;
}

void
lp_report_view_free (LpReportView *self)
{
  if (self == NULL)
    return;
  lp_report_view_clear (self);
  g_free (self);
}

static gboolean
has_hidden (const LpReportView *self)
{
  return self->hidden != NULL && self->hidden[0] != NULL;
}

gboolean
lp_report_view_filters (const LpReportView *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->hide_idle || self->hide_kernel || has_hidden (self);
}

/* filter: the copy of @report without @self's hidden frames (and kernel
 * frames, if it hides them), and without its idle samples if @self hides them; names interned in the order the
 * stacks first use them */
static LpFolded *
filter (const LpReportView *self,
        LpFolded           *report)
{
  guint n_frames = lp_folded_get_n_frames (report);
  g_autofree guint8 *hide = g_new0 (guint8, MAX (n_frames, 1));
  g_autofree guint8 *idle = g_new0 (guint8, MAX (n_frames, 1));
  g_autoptr(GArray) buf = g_array_new (FALSE, FALSE, sizeof (guint32));
  LpFolded *copy = lp_folded_new ();

  for (guint i = 0; self->hidden != NULL && self->hidden[i] != NULL; i++)
    {
      guint32 id;
      if (lp_intern_lookup (lp_folded_get_intern (report), self->hidden[i], strlen (self->hidden[i]), &id))
        hide[id] = TRUE;
    }
  for (guint i = 0; i < n_frames; i++)
    {
      idle[i] = lp_collapse_is_idle_frame (lp_folded_frame_name (report, i));
      if (self->hide_kernel && lp_kernel_is_frame (lp_folded_frame_name (report, i)))
        hide[i] = TRUE;
    }

  lp_folded_set_differential (copy, lp_folded_is_differential (report));
  for (guint i = 0; i < lp_folded_get_n_stacks (report); i++)
    {
      LpFoldedStack st;

      lp_folded_get_stack (report, i, &st);
      if (self->hide_idle && idle[st.frames[st.depth - 1]])
        continue;
      g_array_set_size (buf, 0);
      for (guint d = 0; d < st.depth; d++)
        if (!hide[st.frames[d]])
          {
            guint32 id = lp_folded_intern (copy, lp_folded_frame_name (report, st.frames[d]), -1);
            g_array_append_val (buf, id);
          }
      if (buf->len > 0)
        lp_folded_add (copy, (const guint32 *) (gpointer) buf->data, buf->len, 0,
                       st.count, st.count2, NULL, NULL);
    }
  return copy;
}

LpFlameModel *
lp_report_view_build_model (const LpReportView  *self,
                            LpFolded            *report,
                            LpFolded           **filtered,
                            gboolean            *focused)
{
  LpFlameModelFlags flags = 0;
  LpFolded *source = report;
  guint32 focus_frame;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (filtered != NULL, NULL);

  *filtered = NULL;
  if (focused != NULL)
    *focused = FALSE;
  if (self->reverse)
    flags |= LP_FLAME_MODEL_REVERSE;
  if (lp_folded_is_differential (report))
    flags |= LP_FLAME_MODEL_DIFFERENTIAL;

  /* The whole report with the idle samples left out: the model leaves
   * them out itself, no copy needed. With a focus, the copy: the focus is
   * looked for among the stacks shown, and cut before the idle test. */
  if (self->hide_idle && !self->hide_kernel && !has_hidden (self) && self->focus == NULL)
    return lp_flame_model_new_from_folded (report, flags | LP_FLAME_MODEL_HIDE_IDLE);
  if (lp_report_view_filters (self))
    source = *filtered = filter (self, report);

  if (self->focus != NULL &&
      lp_intern_lookup (lp_folded_get_intern (source), self->focus, strlen (self->focus), &focus_frame))
    {
      if (focused != NULL)
        *focused = TRUE;
      return lp_flame_model_new_focus (source, focus_frame, flags);
    }
  return lp_flame_model_new_from_folded (source, flags);
}
