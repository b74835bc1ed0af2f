/* lp-window.h: the main window: welcome page, live recording and the flame graph of a report.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lp-flame-view.h"
#include "lp-folded.h"
#include "lp-recorder.h"
#include "lp-timeline-view.h"

G_BEGIN_DECLS

#define LP_TYPE_WINDOW (lp_window_get_type ())
G_DECLARE_FINAL_TYPE (LpWindow, lp_window, LP, WINDOW, AdwApplicationWindow)

LpWindow       *lp_window_new        (GtkApplication *application);

/* lp_window_open_file: reads @file off the main loop, with progress, then
 * shows it; errors appear in the window. Like every call below that
 * replaces what the window shows, it first asks Save / Discard / Cancel
 * when the window holds an unsaved recording, and does nothing on Cancel. */
void            lp_window_open_file  (LpWindow *self,
                                      GFile    *file);

/* lp_window_record_pid: attaches the engine to @pid (@name for the title)
 * and shows its flame graph as it grows. */
void            lp_window_record_pid     (LpWindow   *self,
                                          int         pid,
                                          const char *name);
/* lp_window_record_command: launches @argv in @directory under the engine. */
void            lp_window_record_command (LpWindow           *self,
                                          const char * const *argv,
                                          const char         *directory);

/* lp_window_get_report: the report shown, or NULL; owned by the window. */
LpFolded       *lp_window_get_report (LpWindow *self);
/* lp_window_get_capture: the recording with its times and threads the
 * timeline shows (an empty one without times for a folded report), or
 * NULL; owned by the window. */
LpCapture      *lp_window_get_capture (LpWindow *self);
/* lp_window_get_shown_report: what the graph and the header count: the
 * report, or the part of it the timeline's selection keeps; owned by the
 * window. */
LpFolded       *lp_window_get_shown_report (LpWindow *self);
LpTimelineView *lp_window_get_timeline_view (LpWindow *self);
/* lp_window_show_capture: shows @capture (taken) in place of what the
 * window had, its graph and its timeline, titled @title; a live
 * recording ends first (no question asked: the caller asks). */
void            lp_window_show_capture (LpWindow   *self,
                                        LpCapture  *capture,
                                        const char *title);

/* lp_window_export_to: the recording (the part the timeline's selection
 * keeps, if any) for other tools: @format "pprof", "speedscope" or
 * "gecko" (the Firefox Profiler), to @path without asking; what the
 * Export menu's items do after their file chooser. */
gboolean        lp_window_export_to  (LpWindow    *self,
                                      const char  *format,
                                      const char  *path,
                                      GError     **error);

/* lp_window_save_to: saves the report ("folded"), the recording with its
 * times ("capture": a .laprof capture file; fails without times), or
 * exports the graph as shown ("svg", "png"), to @path without asking (for
 * tests and scripts). */
gboolean        lp_window_save_to    (LpWindow    *self,
                                      const char  *what,
                                      const char  *path,
                                      GError     **error);

LpFlameView    *lp_window_get_flame_view (LpWindow *self);
/* the recorder of the live recording, or NULL */
LpRecorder     *lp_window_get_recorder   (LpWindow *self);

/* lp_window_store: saves the report to @dest (s3://bucket/prefix/ or a
 * directory) in a thread, with progress; the outcome is shown in the
 * window. FALSE at once if @dest is not a destination or lacks credentials. */
gboolean        lp_window_store          (LpWindow    *self,
                                          const char  *dest,
                                          GError     **error);
/* where the last successful store put the report, or NULL */
const char     *lp_window_get_last_location (LpWindow *self);
/* lp_window_open_destination: merges every report at @dest into one graph. */
gboolean        lp_window_open_destination (LpWindow    *self,
                                            const char  *dest,
                                            GError     **error);

/* lp_window_get_page: "welcome", "loading" or "report" (for tests). */
const char     *lp_window_get_page   (LpWindow *self);

/* The views of the report (the "view" property, action win.view:
 * "flame", "functions", "calltree", "source") all show one function:
 * lp_window_select_function() selects @name (a function, or a frame
 * "name (file:line)": its function; NULL: none) in the table, marks its
 * frames in the graph and shows its source lines. The name is the
 * window's. */
void            lp_window_select_function       (LpWindow   *self,
                                                 const char *name);
const char     *lp_window_get_selected_function (LpWindow   *self);
/* the views' widgets, for tests */
GtkWidget      *lp_window_get_view_widget       (LpWindow   *self,
                                                 const char *name);

G_END_DECLS
