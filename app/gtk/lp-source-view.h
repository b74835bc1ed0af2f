/* lp-source-view.h: a function's source file with the samples of each line, hot lines marked.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "lp-capture.h"
#include "lp-functions.h"

G_BEGIN_DECLS

#define LP_TYPE_SOURCE_VIEW (lp_source_view_get_type ())
G_DECLARE_FINAL_TYPE (LpSourceView, lp_source_view, LP, SOURCE_VIEW, GtkWidget)

GtkWidget     *lp_source_view_new          (void);

/* lp_source_view_show: the lines of function @index of @functions (NULL
 * or LP_FUNCTIONS_NONE: none): the file its frames name, found by
 * lp_source_view_find_file() with @capture and @dirs, every line of it
 * with its samples, the hottest scrolled to; a note when the report has
 * no lines, or when the file is not on this machine (the lines with
 * samples are listed then). Reads what it needs: @functions may go
 * afterwards. */
void           lp_source_view_show         (LpSourceView       *self,
                                            const LpFunctions  *functions,
                                            guint               index,
                                            LpCapture          *capture,
                                            const char * const *dirs);

/* lp_source_view_find_file: where @file (a base name, as a frame names
 * it) is on this machine: the path @capture (nullable) recorded for it if
 * it is there, else @file in each of @dirs (NULL-terminated, nullable)
 * in turn; NULL if nowhere. You own it. */
char          *lp_source_view_find_file    (const char         *file,
                                            LpCapture          *capture,
                                            const char * const *dirs);

/* what is shown, for tests: the file's path (NULL if not found), the
 * note (NULL if none), the table (a GtkSingleSelection of LpViewRows:
 * id the line, text its source or NULL), the hottest line (0 if none) */
const char    *lp_source_view_get_path     (LpSourceView *self);
const char    *lp_source_view_get_note     (LpSourceView *self);
GtkColumnView *lp_source_view_get_table    (LpSourceView *self);
guint          lp_source_view_get_hottest  (LpSourceView *self);

G_END_DECLS
