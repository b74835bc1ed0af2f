/* test-inprocess-report.c: folded reports as test-inprocess reads them: stacks, counts, roots, paths, leaves.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "test-inprocess-report.h"

void
report_free (Report *r)
{
  g_ptr_array_unref (r->stacks);
  g_array_unref (r->counts);
  g_free (r);
}

/* A folded report, strictly read from @text: fails the test on a bad line. */
Report *
report_parse (const char *text)
{
  Report *r = g_new0 (Report, 1);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  r->stacks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  r->counts = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *space = strrchr (lines[i], ' ');
      char *end = NULL;
      double count;

      if (lines[i][0] == '\0')
        continue;
      if (space == NULL || (count = g_ascii_strtod (space + 1, &end)) <= 0 || *end != '\0')
        g_error ("not a folded line: '%s'", lines[i]);
      {
        g_autofree char *stack = g_strndup (lines[i], space - lines[i]);
        g_ptr_array_add (r->stacks, g_strsplit (stack, ";", -1));
      }
      g_array_append_val (r->counts, count);
      r->total += count;
    }
  return r;
}

Report *
report_load (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return report_parse (text);
}

static gboolean
frame_matches (const char *frame,
               const char *name,
               gboolean    prefix)
{
  return prefix ? g_str_has_prefix (frame, name) : g_str_equal (frame, name);
}

/* Samples of the stacks with a frame @name (or one starting with it). */
double
report_count (const Report *r,
              const char   *name,
              gboolean      prefix)
{
  double n = 0;

  for (guint i = 0; i < r->stacks->len; i++)
    {
      char **frames = g_ptr_array_index (r->stacks, i);

      for (guint d = 0; frames[d] != NULL; d++)
        if (frame_matches (frames[d], name, prefix))
          {
            n += g_array_index (r->counts, double, i);
            break;
          }
    }
  return n;
}

/* Samples whose leaf starts with @prefix. */
double
report_leaf_count (const Report *r,
                   const char   *prefix)
{
  double n = 0;

  for (guint i = 0; i < r->stacks->len; i++)
    {
      char **frames = g_ptr_array_index (r->stacks, i);
      guint depth = g_strv_length (frames);

      if (depth > 0 && g_str_has_prefix (frames[depth - 1], prefix))
        n += g_array_index (r->counts, double, i);
    }
  return n;
}

/* The root frame of every sample (the process), or NULL when they
 * differ or there are none. */
const char *
report_root (const Report *r)
{
  const char *root = NULL;

  for (guint i = 0; i < r->stacks->len; i++)
    {
      const char *first = ((char **) g_ptr_array_index (r->stacks, i))[0];

      if (root != NULL && !g_str_equal (root, first))
        {
          note ("two roots: %s and %s", root, first);
          return NULL;
        }
      root = first;
    }
  return root;
}

/* Checks that every sample of @r is under one root, the name of @program
 * (perhaps cut to 15 bytes, as the kernel's comm). */
void
assert_root (const Report *r,
             const char   *program)
{
  g_autofree char *base = g_path_get_basename (program);
  const char *root = report_root (r);

  g_assert_nonnull (root);
  g_assert_true (g_str_has_prefix (base, root));
  g_assert_cmpuint (strlen (root), >=, MIN (strlen (base), 15));
}

/* The frames from @from to @to of the heaviest stack that has both, joined
 * by ';' (NULL if none has). */
char *
report_path (const Report *r,
             const char   *from,
             const char   *to)
{
  double best = 0;
  char *path = NULL;

  for (guint i = 0; i < r->stacks->len; i++)
    {
      char **frames = g_ptr_array_index (r->stacks, i);
      int a = -1, b = -1;

      for (int d = 0; frames[d] != NULL; d++)
        {
          if (a < 0 && g_str_equal (frames[d], from))
            a = d;
          if (a >= 0 && g_str_equal (frames[d], to))
            b = d;
        }
      if (a >= 0 && b >= a && g_array_index (r->counts, double, i) > best)
        {
          GString *s = g_string_new (frames[a]);

          for (int d = a + 1; d <= b; d++)
            g_string_append_printf (s, ";%s", frames[d]);
          best = g_array_index (r->counts, double, i);
          g_free (path);
          path = g_string_free (s, FALSE);
        }
    }
  return path;
}

/* The distinct leaves starting with @prefix, for messages. */
char *
report_leaves (const Report *r,
               const char   *prefix)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) s = g_string_new (NULL);

  for (guint i = 0; i < r->stacks->len; i++)
    {
      char **frames = g_ptr_array_index (r->stacks, i);
      guint depth = g_strv_length (frames);

      if (depth > 0 && g_str_has_prefix (frames[depth - 1], prefix) &&
          g_hash_table_add (seen, frames[depth - 1]))
        g_string_append_printf (s, "%s%s", s->len ? ", " : "", frames[depth - 1]);
    }
  return g_strdup (s->str);
}

/* The number after "@key=" in @text, or -1. */
double
number_after (const char *text,
              const char *key)
{
  g_autofree char *k = g_strdup_printf ("%s=", key);
  const char *p = text ? strstr (text, k) : NULL;

  return p ? g_ascii_strtod (p + strlen (k), NULL) : -1;
}
