/* test-gui-util.h: helpers shared by the GUI test programs (run under Xvfb).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lp-application.h"

/* test_gui_spin_until: runs the main loop until @done (@data) returns TRUE
 * (then TRUE) or @seconds pass (then FALSE). */
gboolean    test_gui_spin_until         (gboolean  (*done) (gpointer),
                                         gpointer    data,
                                         double      seconds);

/* test_gui_spin: runs the main loop for @seconds. */
void        test_gui_spin               (double      seconds);

/* test_gui_render_widget: @widget drawn into an image, as the screen shows
 * it (you own it). */
GdkTexture *test_gui_render_widget      (GtkWidget  *widget);
/* test_gui_try_render_widget: the same, or NULL while @widget waits for
 * its next frame (a redraw was queued since it was last drawn) */
GdkTexture *test_gui_try_render_widget  (GtkWidget  *widget);

/* test_gui_find_widget_of_type: the first descendant of @root (depth
 * first) of @type, or NULL. */
GtkWidget  *test_gui_find_widget_of_type (GtkWidget *root,
                                          GType      type);

typedef enum
{
  TEST_GUI_TEXT_IS,      /* the label reads the text */
  TEST_GUI_TEXT_HAS,     /* its text holds it */
  TEST_GUI_TEXT_BEGINS,  /* its text begins with it */
} TestGuiText;

/* test_gui_find_label: the first mapped label under @root (depth first)
 * whose text is, holds or begins with @text (@how), or NULL: the label a
 * user sees. */
GtkWidget  *test_gui_find_label         (GtkWidget   *root,
                                         TestGuiText  how,
                                         const char  *text);

/* test_gui_reap: kills child @pid and waits for it. */
void        test_gui_reap               (GPid        pid);

/* test_gui_recorder_ended: whether the LpWindow @data has a recorder that
 * is no longer running (for test_gui_spin_until). */
gboolean    test_gui_recorder_ended     (gpointer    data);

/* test_gui_init: what a GUI test program does first: settings in memory
 * (GSETTINGS_BACKEND), g_test_init(), gtk_init(); then the application,
 * not unique (each test program has its own), registered. Returns it
 * (you own it); fails the test if it cannot register. */
LpApplication *test_gui_init            (int         *argc,
                                         char      ***argv);

/* test_gui_screenshot: with LAPROF_SCREENSHOT_DIR set, the screen as it
 * is now, to DIR/@name.png (for data/screenshots/; not a check) */
void        test_gui_screenshot         (const char *name);

/* test_gui_spawn_sleeper: starts "sleep 60" (a process to attach to),
 * not reaped (test_gui_reap() it). Fails the test if it cannot start. */
GPid        test_gui_spawn_sleeper      (void);

/* test_gui_xdotool: runs xdotool with @argv (NULL-terminated, without
 * "xdotool"): real X events; fails the test if it fails. Returns its
 * output (you own it). */
char       *test_gui_xdotool            (const char * const *argv);

/* @widget's point (x, y) in its window's X coordinates, and the X window,
 * as xdotool's arguments want them */
typedef struct
{
  char xid[32], x[16], y[16];
} TestGuiXPoint;

void        test_gui_x_point            (GtkWidget     *widget,
                                         double         x,
                                         double         y,
                                         TestGuiXPoint *p);

/* test_gui_x_key: a real key press (xdotool's name: "ctrl+2") in
 * @widget's window, focused first */
void        test_gui_x_key              (GtkWidget     *widget,
                                         const char    *name);
