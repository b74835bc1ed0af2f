/* lp-summary-dialog.c: the facts of a recording or a report, in a dialog of rows.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <string.h>

#include "lp-collapse.h"
#include "lp-flame-export.h"
#include "lp-summary-dialog.h"

/* "[libfoo.so.1+0x1234]" or "[libfoo.so.1@0x1200]" -> "libfoo.so.1"; NULL
 * for a named frame */
static char *
module_of_frame (const char *name)
{
  char *module = NULL;
  guint64 offset;
  gboolean is_start;

  if (!lp_collapse_parse_unnamed (name, strlen (name), &module, &offset, &is_start))
    return NULL;
  return module;
}

static void
module_clear (LpSummaryModule *module)
{
  g_free (module->module);
}

static int
compare_modules (gconstpointer a,
                 gconstpointer b)
{
  const LpSummaryModule *x = a, *y = b;

  if (x->samples != y->samples)
    return x->samples < y->samples ? 1 : -1;
  return g_strcmp0 (x->module, y->module);
}

GArray *
lp_summary_dialog_modules_without_symbols (LpFolded *report)
{
  GArray *modules = g_array_new (FALSE, TRUE, sizeof (LpSummaryModule));
  guint n_frames = lp_folded_get_n_frames (report);
  g_autofree int *frame_module = g_new (int, MAX (n_frames, 1));
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) seen = NULL;

  g_array_set_clear_func (modules, (GDestroyNotify) module_clear);
  for (guint i = 0; i < n_frames; i++)
    {
      g_autofree char *module = module_of_frame (lp_folded_frame_name (report, i));
      gpointer found;

      frame_module[i] = -1;
      if (module == NULL)
        continue;
      if (!g_hash_table_lookup_extended (index, module, NULL, &found))
        {
          LpSummaryModule m = { g_strdup (module), 0 };

          found = GINT_TO_POINTER (modules->len);
          g_array_append_val (modules, m);
          /* the key lives in the array */
          g_hash_table_insert (index, g_array_index (modules, LpSummaryModule, modules->len - 1).module, found);
        }
      frame_module[i] = GPOINTER_TO_INT (found);
    }

  /* each stack counts once for each module it goes through */
  seen = g_array_new (FALSE, TRUE, sizeof (guint));
  g_array_set_size (seen, modules->len);
  for (guint i = 0; i < lp_folded_get_n_stacks (report) && modules->len > 0; i++)
    {
      LpFoldedStack st;

      lp_folded_get_stack (report, i, &st);
      for (guint d = 0; d < st.depth; d++)
        {
          int m = frame_module[st.frames[d]];

          if (m < 0 || g_array_index (seen, guint, m) == i + 1)
            continue;
          g_array_index (seen, guint, m) = i + 1;
          g_array_index (modules, LpSummaryModule, m).samples += st.count;
        }
    }
  g_array_sort (modules, compare_modules);
  return modules;
}

/* one fact: its name, and its value below it, wrapped */
static void
add_row (AdwPreferencesGroup *group,
         const char          *title,
         const char          *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  adw_preferences_group_add (group, row);
}

static char *
describe_end (const LpSummaryFacts *facts)
{
  if (facts->running)
    return g_strdup (_("Still recording"));
  if (g_strcmp0 (facts->end_reason, "stopped") == 0)
    return g_strdup (_("Stopped"));
  if (g_strcmp0 (facts->end_reason, "exited") == 0)
    return facts->end_status >= 0 ? g_strdup_printf (_("The program ended (exit status %d)"), facts->end_status)
                                  : g_strdup (_("The program ended"));
  if (g_strcmp0 (facts->end_reason, "duration") == 0)
    return g_strdup (_("Recording finished"));
  return g_strdup (_("Recording failed"));
}

static void
add_recording_rows (AdwPreferencesGroup  *group,
                    const LpSummaryFacts *facts)
{
  gboolean cpu = facts->mode != NULL ? g_str_equal (facts->mode, "cpu") : facts->cpu_mode;
  g_autofree char *target = g_strdup_printf (facts->launched ? _("%s, launched") : _("%s, attached to"),
                                             facts->target != NULL ? facts->target : "?");
  g_autofree char *frequency = facts->period > 0
    ? g_strdup_printf (_("%.0f Hz (a sample every %.1f ms)"), 1.0 / facts->period, facts->period * 1000)
    : g_strdup_printf (_("%u Hz"), facts->frequency);
  g_autofree char *duration = g_strdup_printf (_("%.1f s"), facts->duration);
  g_autofree char *samples = lp_flame_picture_format_count ((double) facts->samples);
  g_autofree char *lost = NULL;
  g_autofree char *end = describe_end (facts);

  if (facts->lost == 0)
    lost = g_strdup (_("None"));
  else
    lost = g_strdup_printf (_("%" PRIu64 " (%.1f%%). Why is not in the stream yet: a thread "
                              "exited or did not stop in time, a stack could not be read, the "
                              "engine fell behind, or the kernel dropped records."),
                            facts->lost,
                            100.0 * facts->lost / MAX (facts->samples + facts->lost, 1));
  add_row (group, _("Target"), target);
  add_row (group, _("Mode"), cpu ? _("On CPU (perf events)")
                                 : facts->idle_dropped ? _("Wall clock, idle samples left out")
                                                       : _("Wall clock (running and blocked threads)"));
  add_row (group, _("Frequency"), frequency);
  add_row (group, _("Duration"), duration);
  add_row (group, _("Samples"), samples);
  add_row (group, _("Lost samples"), lost);
  add_row (group, _("Threads"), _("Not known: the engine does not send them yet"));
  if (facts->python != NULL)
    /* TRANSLATORS: the row of the recording summary that tells what the
     * engine found of the target's Python interpreter */
    add_row (group, _("Python"), facts->python);
  add_row (group, _("End"), end);
}

GtkWindow *
lp_summary_dialog_new (GtkWindow            *parent,
                       const LpSummaryFacts *facts,
                       LpFolded             *report)
{
  AdwMessageDialog *dialog;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *symbols = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  g_autoptr(GArray) modules = lp_summary_dialog_modules_without_symbols (report);
  g_autofree char *total = lp_flame_picture_format_count (lp_folded_get_total (report));
  g_autofree char *stacks = g_strdup_printf ("%u", lp_folded_get_n_stacks (report));
  g_autofree char *functions = g_strdup_printf ("%u", lp_folded_get_n_frames (report));
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent,
                                                       facts->recorded ? _("Recording Summary") : _("Report Summary"),
                                                       NULL));
  if (facts->recorded)
    add_recording_rows (group, facts);
  if (facts->file != NULL)
    add_row (group, _("File"), facts->file);
  else if (facts->recorded)
    add_row (group, _("File"), _("Not saved"));
  add_row (group, _("Samples in the graph"), total);
  add_row (group, _("Distinct stacks"), stacks);
  add_row (group, _("Functions"), functions);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (group));

  adw_preferences_group_set_title (symbols, _("Modules Without Symbols"));
  if (modules->len == 0)
    adw_preferences_group_set_description (symbols, _("Every frame has a function name."));
  else
    {
      adw_preferences_group_set_description (
        symbols,
        _("Their functions show as [module+0xOFFSET]. Install their debug symbols (on Debian and "
          "Ubuntu, the -dbgsym packages of the debug archive, under /usr/lib/debug), or set "
          "DEBUGINFOD_URLS (for example https://debuginfod.debian.net) before recording: the "
          "engine's symbol reader (elfutils) then downloads them, where libdebuginfod is installed."));
      for (guint i = 0; i < modules->len && i < 12; i++)
        {
          const LpSummaryModule *m = &g_array_index (modules, LpSummaryModule, i);
          g_autofree char *count = lp_flame_picture_format_count (m->samples);
          g_autofree char *value = g_strdup_printf (_("%s samples"), count);

          add_row (symbols, m->module, value);
        }
      if (modules->len > 12)
        {
          g_autofree char *more = g_strdup_printf ("%u", modules->len - 12);
          add_row (symbols, _("More modules"), more);
        }
    }
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (symbols));

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), box);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 520);
  gtk_widget_set_size_request (scrolled, 480, -1);
  adw_message_dialog_set_extra_child (dialog, scrolled);
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  adw_message_dialog_set_default_response (dialog, "close");
  adw_message_dialog_set_close_response (dialog, "close");
  return GTK_WINDOW (dialog);
}
