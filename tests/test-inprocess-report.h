/* test-inprocess-report.h: folded reports as test-inprocess reads them, and its notes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <stdio.h>

/* Each test runs in a process of its own (so that one failing does not
 * stop the others); what it says goes to standard error, kept in the
 * test log. */
#define note(...) \
  G_STMT_START { \
    g_autofree char *note_text_ = g_strdup_printf (__VA_ARGS__); \
    fprintf (stderr, "# %s\n", note_text_); \
  } G_STMT_END

/* A folded report, strictly read. */
typedef struct
{
  GPtrArray *stacks;  /* char ** frames, root first */
  GArray    *counts;  /* double */
  double     total;
} Report;

void        report_free       (Report       *r);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Report, report_free)

/* report_parse: from folded @text; fails the test on a bad line. */
Report     *report_parse      (const char   *text);
/* report_load: from the file @path (which must exist). */
Report     *report_load       (const char   *path);
/* report_count: samples of the stacks with a frame @name (one starting
 * with it, if @prefix). */
double      report_count      (const Report *r,
                               const char   *name,
                               gboolean      prefix);
/* report_leaf_count: samples whose leaf starts with @prefix. */
double      report_leaf_count (const Report *r,
                               const char   *prefix);
/* report_root: the root frame of every sample, NULL when they differ. */
const char *report_root       (const Report *r);
/* assert_root: every sample under one root, the name of @program
 * (perhaps cut to 15 bytes, as the kernel's comm). */
void        assert_root       (const Report *r,
                               const char   *program);
/* report_path: the frames from @from to @to of the heaviest stack that
 * has both, joined by ';' (NULL if none has). */
char       *report_path       (const Report *r,
                               const char   *from,
                               const char   *to);
/* report_leaves: the distinct leaves starting with @prefix, for messages. */
char       *report_leaves     (const Report *r,
                               const char   *prefix);
/* number_after: the number after "@key=" in @text, or -1. */
double      number_after      (const char   *text,
                               const char   *key);
