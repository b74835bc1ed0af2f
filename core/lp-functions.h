/* lp-functions.h: the functions of a report: each one's self and total samples, its callers and callees with all its calls merged, and the samples of its source lines.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "lp-folded.h"

G_BEGIN_DECLS

/* No function: the root side of a caller list (stacks that begin with the
 * function), or the self side of a callee list (stacks that end in it). */
#define LP_FUNCTIONS_NONE G_MAXUINT

typedef enum
{
  LP_FUNCTIONS_DEFAULT   = 0,
  /* leave out blocked samples: the stacks that end in an idle frame
   * (lp_collapse_is_idle_frame()), as LP_FLAME_MODEL_HIDE_IDLE does */
  LP_FUNCTIONS_HIDE_IDLE = 1 << 0,
} LpFunctionsFlags;

/* One function. A frame named "name (file:line)" (recorded with lines)
 * belongs to the function "name": all its lines make one function. A
 * Python frame "name (file.py:line)" belongs to "name (file.py)", the
 * name the engine gives it without lines. */
typedef struct
{
  const char *name;   /* owned by the table */
  double      self;   /* samples where it is the last frame of the stack */
  double      total;  /* samples of the stacks that hold it, each stack
                       * once however often it recurses in it */
} LpFunction;

/* One caller or callee of a function, and the samples that go through it. */
typedef struct
{
  guint  function;    /* index in the table, or LP_FUNCTIONS_NONE */
  double count;
} LpFunctionLink;

/* One source line of a function, from frames named "name (file:line)". */
typedef struct
{
  const char *file;   /* as the frame names it (a base name); owned by the table */
  guint       line;
  double      self;   /* samples where this line is the last frame */
  double      total;  /* samples of stacks through this line, each stack once */
} LpFunctionLine;

typedef struct _LpFunctions LpFunctions;

/* lp_functions_new: the table of every function of @report (a single
 * count per stack; the second column of differential reports is ignored).
 * It copies what it needs: @report may change or go afterwards. Costs
 * one pass over the report's frames. Runs in worker threads too. */
LpFunctions          *lp_functions_new          (const LpFolded   *report,
                                                 LpFunctionsFlags  flags) G_GNUC_WARN_UNUSED_RESULT;
/* lp_functions_new_focus: the table of the stacks of @report that hold
 * frame @focus, each cut as lp_flame_model_new_focus() cuts it: from its
 * first occurrence of @focus on, or (@callers, the graph's bottom-up
 * focus) up to its last. The table a focused graph shows. */
LpFunctions          *lp_functions_new_focus    (const LpFolded   *report,
                                                 guint32           focus,
                                                 gboolean          callers,
                                                 LpFunctionsFlags  flags) G_GNUC_WARN_UNUSED_RESULT;
void                  lp_functions_free         (LpFunctions *self);

/* lp_functions_get_n: the number of functions; indexes are 0 to n - 1, in
 * no given order (sort a copy as the view wants). Only functions of the
 * stacks counted are there (not those of idle samples left out). */
guint                 lp_functions_get_n        (const LpFunctions *self);
const LpFunction     *lp_functions_get          (const LpFunctions *self,
                                                 guint              index);
/* lp_functions_get_total: the samples of the report (the idle ones left
 * out with LP_FUNCTIONS_HIDE_IDLE): the 100 % of the percentages. */
double                lp_functions_get_total    (const LpFunctions *self);

/* lp_functions_find: the index of the function @name ("name", or a frame
 * name "name (file:line)"), or LP_FUNCTIONS_NONE. */
guint                 lp_functions_find         (const LpFunctions *self,
                                                 const char        *name);

/* lp_functions_name_of_frame: the function a frame name belongs to (see
 * LpFunction): @frame without its line, into @buf; or @frame itself when
 * it has no line (then @buf is not used). */
const char           *lp_functions_name_of_frame (const char *frame,
                                                  GString    *buf);

/* lp_functions_get_callers: who calls function @index, with all its calls
 * merged as the flame graph's bottom-up focus merges them: each stack is
 * cut at the last occurrence of the function, and the frame before it is
 * the caller (LP_FUNCTIONS_NONE: the function begins the stack). The
 * counts add up to the function's total. Sorted by count, largest first.
 * You own the array of LpFunctionLink. */
GArray               *lp_functions_get_callers  (const LpFunctions *self,
                                                 guint              index) G_GNUC_WARN_UNUSED_RESULT;

/* lp_functions_get_callees: what function @index calls, merged as the
 * flame graph's focus merges them: each stack is cut at the first
 * occurrence of the function, and the frame after it is the callee
 * (LP_FUNCTIONS_NONE: the function ends the cut stack: its own time). The
 * counts add up to the function's total. Sorted as the callers. */
GArray               *lp_functions_get_callees  (const LpFunctions *self,
                                                 guint              index) G_GNUC_WARN_UNUSED_RESULT;

/* lp_functions_get_lines: the source lines of function @index that frames
 * name, sorted by file, then line; empty when the report was recorded
 * without lines. You own the array of LpFunctionLine (its strings are the
 * table's). */
GArray               *lp_functions_get_lines    (const LpFunctions *self,
                                                 guint              index) G_GNUC_WARN_UNUSED_RESULT;

/* LpFunctionsCounter: how many functions the frame names of a report
 * make, where the lines of one function ("f (a.c:3)", "f (a.c:9)") are
 * one: the "N functions" of a header. A report that grows between calls
 * costs only its new frame names. */
typedef struct _LpFunctionsCounter LpFunctionsCounter;

LpFunctionsCounter   *lp_functions_counter_new   (void) G_GNUC_WARN_UNUSED_RESULT;
void                  lp_functions_counter_free  (LpFunctionsCounter *self);
/* lp_functions_counter_count: the functions of @report's frame names; a
 * report other than the last one counted is counted from the start. */
guint                 lp_functions_counter_count (LpFunctionsCounter *self,
                                                  const LpFolded     *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpFunctions, lp_functions_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LpFunctionsCounter, lp_functions_counter_free)

G_END_DECLS
