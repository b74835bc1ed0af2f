/* test-gui-kernel.c: the window's switch for kernel frames (win.show-kernel, Ctrl+K, the view menu).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "test-gui-util.h"

#include "lp-flame-model.h"
#include "lp-flame-view.h"
#include "lp-kernel.h"
#include "lp-window.h"

static LpApplication *app;

static gboolean
page_is_not_loading (gpointer data)
{
  const char *page = lp_window_get_page (data);
  return page != NULL && !g_str_equal (page, "loading");
}

/* the samples of the graph's nodes named like kernel frames */
static double
kernel_samples (LpFlameModel *model)
{
  double n = 0;

  for (guint i = 0; i < lp_flame_model_get_n_nodes (model); i++)
    if (lp_kernel_is_frame (lp_flame_model_node_name (model, i)))
      n += lp_flame_model_get_node (model, i)->self;
  return n;
}

typedef struct
{
  LpWindow *window;
  gboolean  want_kernel;
} Wait;

static gboolean
model_is (gpointer data)
{
  Wait *w = data;
  LpFlameModel *model = lp_flame_view_get_model (lp_window_get_flame_view (w->window));

  return model != NULL && (kernel_samples (model) > 0) == w->want_kernel;
}

static void
test_show_kernel (void)
{
  const char *text =
    "prog;main;read;entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];ksys_read_[k] 7\n"
    "prog;main;compute 5\n"
    "prog;worker;pthread_cond_wait;do_syscall_64_[k];futex_wait_[k];[idle: futex] 11\n";
  g_autofree char *dir = g_dir_make_tmp ("laprof-gui-kernel-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "kernel.folded", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  LpWindow *window = lp_window_new (GTK_APPLICATION (app));
  Wait wait = { window, TRUE };
  LpFlameModel *model;
  gboolean shown;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  gtk_window_present (GTK_WINDOW (window));
  lp_window_open_file (window, file);
  g_assert_true (test_gui_spin_until (page_is_not_loading, window, 20));
  g_assert_cmpstr (lp_window_get_page (window), ==, "report");
  g_assert_true (test_gui_spin_until (model_is, &wait, 10));
  g_object_get (window, "show-kernel", &shown, NULL);
  g_assert_true (shown);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-kernel", NULL));

  /* hidden: no kernel frame, the same total, read keeps its 7 samples */
  wait.want_kernel = FALSE;
  g_assert_true (test_gui_spin_until (model_is, &wait, 10));
  g_object_get (window, "show-kernel", &shown, NULL);
  g_assert_false (shown);
  model = lp_flame_view_get_model (lp_window_get_flame_view (window));
  g_assert_cmpfloat (lp_flame_model_get_total (model), ==, 23);
  {
    const char *const read_path[] = { "prog", "main", "read", NULL };
    guint32 node = lp_flame_model_find_path (model, read_path);

    g_assert_cmpuint (node, !=, LP_FLAME_NO_NODE);
    g_assert_cmpfloat (lp_flame_model_get_node (model, node)->self, ==, 7);
  }

  /* shown again */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-kernel", NULL));
  wait.want_kernel = TRUE;
  g_assert_true (test_gui_spin_until (model_is, &wait, 10));
  g_assert_cmpfloat (lp_flame_model_get_total (lp_flame_view_get_model (lp_window_get_flame_view (window))), ==, 23);

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  app = test_gui_init (&argc, &argv);
  g_test_add_func ("/gui/kernel/show-kernel", test_show_kernel);
  status = g_test_run ();
  g_clear_object (&app);
  return status;
}
