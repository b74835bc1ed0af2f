/* lp-window-private.h: what the parts of the main window share: its fields and helpers.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lp-calltree-view.h"
#include "lp-flame-export.h"
#include "lp-flame-view.h"
#include "lp-functions-view.h"
#include "lp-recorder.h"
#include "lp-report-loader.h"
#include "lp-report-view.h"
#include "lp-source-view.h"
#include "lp-timeline-view.h"
#include "lp-window.h"

G_BEGIN_DECLS

/* The window is split as GNOME Text Editor splits its own:
 * lp-window.c (the type, its properties and pages, opening reports
 * through an LpReportLoader, what the graph is drawn from),
 * lp-window-actions.c (the window's own actions, the graph's handlers,
 * the action table), lp-window-recent.c (recent reports, drag and drop),
 * lp-window-live.c (recording, and the question before unsaved samples
 * are dropped), lp-window-save.c (saving, exporting, S3),
 * lp-window-timeline.c (the timeline: the capture it shows, the selection
 * that scopes the graph, the hovered frame's marks), lp-window-views.c
 * (the views beside the graph: functions, callers and callees, call tree,
 * source lines; the function they show; the functions table). */

typedef struct PendingDiscard PendingDiscard;
typedef void (*DiscardFunc) (LpWindow *self,
                             gpointer  data);

struct _LpWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkStack        *stack;
  AdwPreferencesGroup *recent_group;
  GtkListBox      *recent_list;
  gboolean         recent_stale;   /* the recent files changed while the welcome page was hidden */
  GtkLabel        *loading_label;
  GtkProgressBar  *loading_progress;
  GtkLabel        *report_summary;
  GtkSpinButton   *frequency_spin;
  AdwComboRow     *mode_row;
  GtkSwitch       *idle_switch;

  GtkSearchBar    *search_bar;
  GtkSearchEntry  *search_entry;
  GtkToggleButton *case_button;
  GtkLabel        *matched_label;
  GtkLabel        *zoom_label;
  GtkWidget       *reset_zoom_button;
  LpFlameView     *flame_view;
  LpTimelineView  *timeline_view;
  GtkWidget       *timeline_box;
  GtkWidget       *view_button;
  GtkWidget       *export_button;
  GtkWidget       *summary_button;
  GtkToggleButton *search_button;
  GtkRevealer     *error_revealer;
  GtkLabel        *error_label;
  GtkWidget       *pkexec_button;
  GtkWidget       *live_box;
  GtkLabel        *live_label;
  GtkWidget       *python_label;
  GtkWidget       *debuginfo_label;   /* debug files coming from debuginfod */
  GtkWidget       *output_expander;
  GtkTextView     *output_view;
  GtkProgressBar  *transfer_progress;
  GtkStack        *views_stack;
  LpFunctionsView *functions_view;
  LpCalltreeView  *calltree_view;
  LpSourceView    *source_view;

  GSettings       *settings;
  LpFolded        *report;
  GFile           *report_file;
  GCancellable    *loading;
  LpReportLoader  *loader;         /* the report being opened, or NULL */

  /* the recording with its times and threads (lp-window-timeline.c), or
   * NULL; the report of the timeline's selection (NULL: none), made when
   * the capture had scoped_n_samples */
  LpCapture       *capture;
  LpFolded        *scoped;
  LpFunctionsCounter *functions_counter; /* the header's functions; made anew with each report */
  guint64          scoped_n_samples;
  gboolean         scope_stale;    /* the capture grew since: made again at the next rebuild */

  /* what is drawn: the report, or a filtered copy of it, as a model */
  LpFolded        *view_folded;
  LpFlameModel    *model;
  GPtrArray       *hidden;       /* names of hidden functions */
  char            *focus;        /* name of the focused function, or NULL */

  /* live recording */
  LpRecorder      *recorder;
  gboolean         paused;
  gboolean         unsaved;        /* live data not saved yet */
  gboolean         idle_dropped;   /* recorded with --no-idle: nothing to filter */
  gboolean         rebuild_pending;
  gint64           last_rebuild;
  int              attach_pid;     /* what to record again: a pid, */
  GStrv            launch_argv;    /* or a command line */
  char            *launch_dir;
  char            *target_name;
  char            *last_location; /* where the last store put the report */
  guint            rec_frequency;  /* the recording's options, shown with it */
  gboolean         rec_cpu;
  char            *end_reason;     /* how the recording ended ("stopped", …), or NULL */
  int              end_status;     /* the target's exit status, -1 unknown */
  double           shown_samples;  /* while paused: the samples the graph shows */
  guint            target_watch;   /* after an attach: is the target still there? */
  gboolean         python_notice_shown; /* the engine's "no Python frames" toast, once */

  /* the views (lp-window-views.c): the function they show (a function
   * name, without a line), the functions table's worker thread */
  char            *selected_function;
  struct FunctionsJob *functions_job;
  GThread         *functions_thread;
  struct FunctionsJob *functions_ahead; /* made with the model of a report opened */
  guint            functions_timeout;
  gint64           last_functions;
  gint64           last_calltree;
  gboolean         functions_stale;
  gboolean         functions_stale_again;
  gboolean         calltree_stale;
  guint            calltree_idle;  /* makes the call tree after the graph */
  gboolean         source_stale;
  gboolean         applying;       /* a new table is being shown */

  /* asked before unsaved samples are dropped: what to do after a Save */
  struct PendingDiscard *after_save;
  GtkWidget       *discard_dialog;

  gboolean         icicle;
  gboolean         reverse;
  gboolean         left_heavy;
  gboolean         show_idle;
  gboolean         show_kernel;
  char            *palette;        /* the user's palette (GSettings "palette") */
  gboolean         python_palette; /* the graph shows Python frames, the user chose no
                                    * palette: it is drawn in the lang palette */
};

/* @view (zeroed) gets the window's view of its report: what the graph
 * shows (lp_report_view_build_model() makes its model) */
void          _lp_window_view_from_window          (LpReportView   *view,
                                                    LpWindow       *self);
/* replaces what is drawn by @model over @filtered (both taken) */
void          _lp_window_show_model                (LpWindow       *self,
                                                    LpFlameModel   *model,
                                                    LpFolded       *filtered);
void          _lp_window_rebuild_model             (LpWindow       *self);
/* shows @report (taken) through @model over @filtered (taken) in place of
 * what the window had; a live recording ends first */
void          _lp_window_replace_report            (LpWindow       *self,
                                                    LpFolded       *report,
                                                    LpFlameModel   *model,
                                                    LpFolded       *filtered,
                                                    GFile          *file,
                                                    const char     *title,
                                                    const char     *subtitle);
void          _lp_window_show_error                (LpWindow       *self,
                                                    const char     *heading,
                                                    const char     *body);
void          _lp_window_toast                     (LpWindow       *self,
                                                    const char     *text);
/* from a worker thread: the loading page's (@loading_page) or a
 * transfer's progress bar, if the window still lives */
void          _lp_window_post_progress             (LpWindow       *window,
                                                    double          fraction,
                                                    gboolean        loading_page);
void          _lp_window_update_summary            (LpWindow       *self);
void          _lp_window_forget_counts             (LpWindow       *self);

/* lp-window-actions.c */
void          _lp_window_actions_update_report     (LpWindow       *self);
void          _lp_window_actions_update_matched    (LpWindow       *self);
void          _lp_window_actions_update_zoom_state (LpWindow       *self);
void          _lp_window_actions_class_init        (GtkWidgetClass *widget_class);

/* lp-window-recent.c */
/* @file, just opened, heads the recent reports */
void          _lp_window_recent_add                (LpWindow       *self,
                                                    GFile          *file);
void          _lp_window_recent_class_init         (GtkWidgetClass *widget_class);
/* fills the recent reports and opens the files dropped on the window */
void          _lp_window_recent_init               (LpWindow       *self);

/* lp-window-live.c */
/* runs @func (@data, freed with @destroy) now if no unsaved samples would
 * be lost, else after the user chose Discard, or Save and the save
 * succeeded; never after Cancel */
void          _lp_window_live_confirm_discard      (LpWindow       *self,
                                                    DiscardFunc     func,
                                                    gpointer        data,
                                                    GDestroyNotify  destroy);
void          _lp_window_live_pending_discard_run  (LpWindow       *self,
                                                    PendingDiscard *pending);
void          _lp_window_live_pending_discard_free (PendingDiscard *pending);
/* ends this window's recording, if any: nothing it still sends reaches
 * the window, and its engine ends on its own time */
void          _lp_window_live_drop_recorder        (LpWindow       *self);
void          _lp_window_live_update_title         (LpWindow       *self);
void          _lp_window_live_update_actions       (LpWindow       *self);
void          _lp_window_live_class_init           (GtkWidgetClass *widget_class);
/* records the process @pid, or runs @argv in @directory and records it,
 * named @name (taken); after the question, if samples would be dropped */
void          _lp_window_live_record               (LpWindow           *self,
                                                    int                 pid,
                                                    const char * const *argv,
                                                    const char         *directory,
                                                    char               *name);

/* lp-window-timeline.c */
/* what the graph and the header show: the selection's report, or the report */
LpFolded     *_lp_window_shown_report              (LpWindow       *self);
/* shows @capture (taken, nullable: no timeline) on the timeline; the
 * selection goes */
void          _lp_window_timeline_set_capture      (LpWindow       *self,
                                                    LpCapture      *capture);
/* a copy of @capture's aggregate, for the window's report (you own it) */
LpFolded     *_lp_window_timeline_report_of        (LpCapture      *capture,
                                                    GError        **error);
/* a capture that says the report has no times (the timeline tells why) */
LpCapture    *_lp_window_timeline_new_no_times     (void);
/* makes the selection's report again (the graph's model is dropped: build
 * it again after) */
void          _lp_window_timeline_update_scope     (LpWindow       *self);
/* the capture gained samples: the timeline grows, the selection's report
 * is made again at the next rebuild of the graph */
void          _lp_window_timeline_capture_grew     (LpWindow       *self);
void          _lp_window_timeline_init             (LpWindow       *self);
void          _lp_window_timeline_class_init       (GtkWidgetClass *widget_class);

/* lp-window-views.c */
/* before the graph's model (or the report it is made from) goes or
 * changes: the call tree lets go of it, the table's thread ends */
void          _lp_window_views_model_changing      (LpWindow       *self);
/* after: the views follow the new model */
void          _lp_window_views_model_changed       (LpWindow       *self);
/* a recording's samples went into the model: the views follow, at most
 * twice a second */
void          _lp_window_views_report_grew         (LpWindow       *self);
/* the function the views show (a frame name: its function), or NULL;
 * with @mark, the graph marks its frames */
void          _lp_window_views_select              (LpWindow       *self,
                                                    const char     *frame,
                                                    gboolean        mark);
/* the search field's expression (nullable): the functions it lets in */
void          _lp_window_views_set_filter          (LpWindow       *self,
                                                    GRegex         *regex);
/* the "view" property: "flame", "functions", "calltree", "source" */
const char   *_lp_window_views_get_view            (LpWindow       *self);
void          _lp_window_views_set_view            (LpWindow       *self,
                                                    const char     *name);
void          _lp_window_views_dispose             (LpWindow       *self);
/* the functions table of a report being opened, made on the loader's
 * worker thread beside its model (any thread), and given to the window
 * that shows the report (main thread); freed if it does not fit */
struct FunctionsJob *_lp_window_views_ahead_start  (LpFolded       *report,
                                                    const LpReportView *view);
void          _lp_window_views_ahead_finish        (struct FunctionsJob *job);
void          _lp_window_views_ahead_free          (struct FunctionsJob *job);
void          _lp_window_views_take_ahead          (LpWindow       *self,
                                                    struct FunctionsJob *job);
void          _lp_window_views_init                (LpWindow       *self);
void          _lp_window_views_class_init          (GtkWidgetClass *widget_class);

/* lp-window-export.c: pprof, speedscope, the Firefox Profiler (lp_export()) */
/* exports the recording (the selection's part, if any; a folded report's
 * stacks) in @format ("pprof", "speedscope", "gecko") to @path */
gboolean      _lp_window_export_to_path            (LpWindow       *self,
                                                    const char     *format,
                                                    const char     *path,
                                                    GError        **error);
void          _lp_window_export_class_init         (GtkWidgetClass *widget_class);

/* lp-window-python.c */
/* the palette the graph is drawn in (the "view-palette" property) */
const char   *_lp_window_python_view_palette       (LpWindow       *self);
/* draws the graph in that palette, and tells of it ("view-palette") */
void          _lp_window_python_apply_palette      (LpWindow       *self);
/* after the window's report was replaced (a report opened, a recording
 * started): the Python indicator off, and the lang palette if the report
 * has Python frames and the user chose no palette */
void          _lp_window_python_report_changed     (LpWindow       *self);
/* the recorder's "python" signal: the indicator, the palette, the toast */
void          _lp_window_python_recorder_cb        (LpWindow       *self,
                                                    gboolean        on,
                                                    const char     *text,
                                                    LpRecorder     *recorder);
/* the "view-palette" property set: the user chose @name (a palette of
 * the settings' schema) over the lang palette of Python frames */
void          _lp_window_python_pick_palette       (LpWindow       *self,
                                                    const char     *name);

/* lp-window-save.c */
void          _lp_window_save_class_init           (GtkWidgetClass *widget_class);
/* the name a save offers: the report's file's, or the recorded program's,
 * ending in @suffix (".laprof", ".svg"); you own it */
char         *_lp_window_save_suggested_name       (LpWindow       *self,
                                                    const char     *suffix);
/* what lp_window_save_to(), lp_window_store() and
 * lp_window_open_destination() do, their arguments checked */
gboolean      _lp_window_save_to_path              (LpWindow       *self,
                                                    const char     *what,
                                                    const char     *path,
                                                    GError        **error);
gboolean      _lp_window_save_store                (LpWindow       *self,
                                                    const char     *dest,
                                                    GError        **error);
gboolean      _lp_window_save_open_destination     (LpWindow       *self,
                                                    const char     *dest,
                                                    GError        **error);

G_END_DECLS
