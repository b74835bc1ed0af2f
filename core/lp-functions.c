/* lp-functions.c: the functions table: one pass over the report's stacks, kept as function ids for the callers and callees asked later.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "lp-collapse.h"
#include "lp-functions.h"

/* A frame with a line: its function, file and line, and its counts. */
typedef struct
{
  guint  function;
  guint  file;    /* id in self->files */
  guint  line;
  double self;
  double total;
} Line;

struct _LpFunctions
{
  LpIntern *names;       /* function names; ids are the table's indexes */
  LpIntern *files;
  GArray   *functions;   /* LpFunction, by index */
  GArray   *lines;       /* Line */
  double    total;

  /* the stacks the table counted, as function ids, back to back */
  guint32  *pool;
  guint64   pool_len;
  guint64  *offsets;     /* n_stacks + 1 */
  double   *counts;
  guint     n_stacks;
  guint    *index_of;    /* function name id (in names) -> index, or LP_FUNCTIONS_NONE */
};

/* The line of a frame name "name (file:line)": its length up to " (" in
 * *@name_len, the file's bounds, the line. FALSE when it has none. */
static gboolean
split_line (const char *frame,
            gsize       len,
            gsize      *name_len,
            gsize      *file_start,
            gsize      *file_len,
            guint      *line)
{
  gsize colon, open;
  guint64 value = 0;

  if (len < 6 || frame[len - 1] != ')')
    return FALSE;
  colon = len - 1;
  while (colon > 0 && g_ascii_isdigit (frame[colon - 1]))
    colon--;
  if (colon == len - 1 || colon == 0 || frame[colon - 1] != ':' || len - 1 - colon > 9)
    return FALSE;
  colon--;
  for (gsize i = colon + 1; i < len - 1; i++)
    value = value * 10 + (guint64) (frame[i] - '0');
  /* the " (" that opens the file: the last one before the colon */
  open = colon;
  while (open >= 2 && !(frame[open - 1] == '(' && frame[open - 2] == ' '))
    open--;
  if (open < 2 || open == colon || open - 2 == 0)
    return FALSE;
  *name_len = open - 2;
  *file_start = open;
  *file_len = colon - open;
  *line = (guint) value;
  return TRUE;
}

static gboolean
is_python_file (const char *file,
                gsize       len)
{
  return len > 3 && memcmp (file + len - 3, ".py", 3) == 0;
}

const char *
lp_functions_name_of_frame (const char *frame,
                            GString    *buf)
{
  gsize name_len, file_start, file_len;
  guint line;

  if (!split_line (frame, strlen (frame), &name_len, &file_start, &file_len, &line))
    return frame;
  g_string_truncate (buf, 0);
  /* CPython's frames keep their file: "f (a.py:3)" is "f (a.py)", the
   * name the engine gives it without lines */
  if (is_python_file (frame + file_start, file_len))
    {
      g_string_append_len (buf, frame, file_start + file_len);
      g_string_append_c (buf, ')');
    }
  else
    g_string_append_len (buf, frame, name_len);
  return buf->str;
}

/* The function of every frame of @report, and its line (G_MAXUINT: none). */
static void
map_frames (LpFunctions    *self,
            const LpFolded *report,
            guint32        *frame_function,
            guint32        *frame_line)
{
  guint n_frames = lp_folded_get_n_frames (report);
  g_autoptr(GString) buf = g_string_new (NULL);

  for (guint f = 0; f < n_frames; f++)
    {
      const char *frame = lp_folded_frame_name (report, f);
      gsize len = strlen (frame), name_len, file_start, file_len;
      guint line;
      const char *name = lp_functions_name_of_frame (frame, buf);
      guint32 id = lp_intern_add (self->names, name, strlen (name));

      if (id == self->functions->len)
        {
          LpFunction fn = { lp_intern_name (self->names, id), 0, 0 };
          g_array_append_val (self->functions, fn);
        }
      frame_function[f] = id;
      frame_line[f] = G_MAXUINT32;
      if (split_line (frame, len, &name_len, &file_start, &file_len, &line))
        {
          Line l = { id, lp_intern_add (self->files, frame + file_start, file_len), line, 0, 0 };

          frame_line[f] = self->lines->len;
          g_array_append_val (self->lines, l);
        }
    }
}

/* whether the table leaves the stack out: empty, or (@idle set: idle
 * hidden) ending in an idle frame */
static gboolean
left_out (const LpFoldedStack *stack,
          const guint8        *idle)
{
  return stack->depth == 0 || (idle != NULL && idle[stack->frames[stack->depth - 1]]);
}

/* Keeps the functions that some stack counted holds, in their order: the
 * others (the frames of idle stacks left out) would be rows of zeros. */
static void
compact (LpFunctions    *self,
         const guint32  *seen,
         guint          *index_of)
{
  GArray *kept = g_array_new (FALSE, FALSE, sizeof (LpFunction));

  for (guint f = 0; f < self->functions->len; f++)
    {
      index_of[f] = seen[f] != 0 ? kept->len : LP_FUNCTIONS_NONE;
      if (seen[f] != 0)
        g_array_append_val (kept, g_array_index (self->functions, LpFunction, f));
    }
  for (guint64 i = 0; i < self->pool_len; i++)
    self->pool[i] = index_of[self->pool[i]];
  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *l = &g_array_index (self->lines, Line, i);

      l->function = index_of[l->function];
    }
  g_array_unref (self->functions);
  self->functions = kept;
}

/* The part of @stack a focus on frame @focus keeps, as
 * lp_flame_model_new_focus() cuts it: from the first occurrence of @focus
 * on, or (@callers) up to its last; FALSE when the stack does not hold it.
 * No focus (G_MAXUINT32): all of it. */
static gboolean
cut (const LpFoldedStack *stack,
     guint32              focus,
     gboolean             callers,
     guint               *begin,
     guint               *end)
{
  *begin = 0;
  *end = stack->depth;
  if (focus == G_MAXUINT32)
    return TRUE;
  if (callers)
    {
      for (guint i = stack->depth; i-- > 0;)
        if (stack->frames[i] == focus)
          {
            *end = i + 1;
            return TRUE;
          }
      return FALSE;
    }
  for (guint i = 0; i < stack->depth; i++)
    if (stack->frames[i] == focus)
      {
        *begin = i;
        return TRUE;
      }
  return FALSE;
}

static LpFunctions *
functions_new (const LpFolded   *report,
               LpFunctionsFlags  flags,
               guint32           focus,
               gboolean          callers)
{
  LpFunctions *self = g_new0 (LpFunctions, 1);
  guint n_frames = lp_folded_get_n_frames (report);
  guint n_stacks = lp_folded_get_n_stacks (report);
  g_autofree guint32 *frame_function = g_new (guint32, MAX (n_frames, 1));
  g_autofree guint32 *frame_line = g_new (guint32, MAX (n_frames, 1));
  g_autofree guint32 *seen = NULL;
  g_autofree guint32 *line_seen = NULL;
  g_autofree guint8 *idle = NULL;
  guint64 pool_len = 0;
  LpFunction *fns;
  Line *lines;

  self->names = lp_intern_new ();
  self->files = lp_intern_new ();
  self->functions = g_array_new (FALSE, FALSE, sizeof (LpFunction));
  self->lines = g_array_new (FALSE, FALSE, sizeof (Line));
  map_frames (self, report, frame_function, frame_line);
  fns = (LpFunction *) self->functions->data;
  lines = (Line *) self->lines->data;
  if (flags & LP_FUNCTIONS_HIDE_IDLE)
    {
      idle = g_new (guint8, MAX (n_frames, 1));
      for (guint f = 0; f < n_frames; f++)
        idle[f] = lp_collapse_is_idle_frame (lp_folded_frame_name (report, f));
    }

  for (guint s = 0; s < n_stacks; s++)
    {
      LpFoldedStack stack;
      guint begin, end;

      lp_folded_get_stack (report, s, &stack);
      if (!left_out (&stack, idle) && cut (&stack, focus, callers, &begin, &end))
        pool_len += end - begin;
    }
  self->pool = g_new (guint32, MAX (pool_len, 1));
  self->offsets = g_new (guint64, n_stacks + 1);
  self->counts = g_new (double, MAX (n_stacks, 1));
  /* the stack that last counted a function or line (stack number + 1) */
  seen = g_new0 (guint32, MAX (self->functions->len, 1));
  line_seen = g_new0 (guint32, MAX (self->lines->len, 1));

  for (guint s = 0; s < n_stacks; s++)
    {
      LpFoldedStack stack;
      guint32 *out = self->pool + self->pool_len;
      guint32 mark = self->n_stacks + 1;
      guint begin, end;

      lp_folded_get_stack (report, s, &stack);
      if (left_out (&stack, idle) || !cut (&stack, focus, callers, &begin, &end))
        continue;
      /* the part kept, as a stack of its own */
      stack.frames += begin;
      stack.depth = end - begin;
      for (guint i = 0; i < stack.depth; i++)
        {
          guint32 fn = frame_function[stack.frames[i]];
          guint32 line = frame_line[stack.frames[i]];

          out[i] = fn;
          if (seen[fn] != mark)
            {
              seen[fn] = mark;
              fns[fn].total += stack.count;
            }
          if (line != G_MAXUINT32 && line_seen[line] != mark)
            {
              line_seen[line] = mark;
              lines[line].total += stack.count;
            }
        }
      fns[out[stack.depth - 1]].self += stack.count;
      if (frame_line[stack.frames[stack.depth - 1]] != G_MAXUINT32)
        lines[frame_line[stack.frames[stack.depth - 1]]].self += stack.count;
      self->offsets[self->n_stacks] = self->pool_len;
      self->counts[self->n_stacks] = stack.count;
      self->n_stacks++;
      self->pool_len += stack.depth;
      self->total += stack.count;
    }
  self->offsets[self->n_stacks] = self->pool_len;
  self->index_of = g_new (guint, MAX (self->functions->len, 1));
  compact (self, seen, self->index_of);
  return self;
}

LpFunctions *
lp_functions_new (const LpFolded   *report,
                  LpFunctionsFlags  flags)
{
  g_return_val_if_fail (report != NULL, NULL);
  return functions_new (report, flags, G_MAXUINT32, FALSE);
}

LpFunctions *
lp_functions_new_focus (const LpFolded   *report,
                        guint32           focus,
                        gboolean          callers,
                        LpFunctionsFlags  flags)
{
  g_return_val_if_fail (report != NULL, NULL);
  g_return_val_if_fail (focus < lp_folded_get_n_frames (report), NULL);
  return functions_new (report, flags, focus, callers);
}

void
lp_functions_free (LpFunctions *self)
{
  if (self == NULL)
    return;
  lp_intern_free (self->names);
  lp_intern_free (self->files);
  g_array_unref (self->functions);
  g_array_unref (self->lines);
  g_free (self->pool);
  g_free (self->offsets);
  g_free (self->counts);
  g_free (self->index_of);
  g_free (self);
}

guint
lp_functions_get_n (const LpFunctions *self)
{
  return self->functions->len;
}

const LpFunction *
lp_functions_get (const LpFunctions *self,
                  guint              index)
{
  g_return_val_if_fail (index < self->functions->len, NULL);
  return &g_array_index (self->functions, LpFunction, index);
}

double
lp_functions_get_total (const LpFunctions *self)
{
  return self->total;
}

guint
lp_functions_find (const LpFunctions *self,
                   const char        *name)
{
  g_autoptr(GString) buf = g_string_new (NULL);
  const char *fn = lp_functions_name_of_frame (name, buf);
  guint32 id;

  return lp_intern_lookup (self->names, fn, strlen (fn), &id) ? self->index_of[id] : LP_FUNCTIONS_NONE;
}

static gint
by_count (gconstpointer a,
          gconstpointer b)
{
  const LpFunctionLink *x = a, *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return x->function < y->function ? -1 : x->function > y->function;
}

/* The links of function @index: for each stack that holds it, the
 * function before its last occurrence (@callers) or after its first. */
static GArray *
links (const LpFunctions *self,
       guint              index,
       gboolean           callers)
{
  g_autofree double *by_function = NULL;
  double none = 0;
  GArray *out = g_array_new (FALSE, FALSE, sizeof (LpFunctionLink));
  guint n = self->functions->len;

  g_return_val_if_fail (index < n, out);
  by_function = g_new0 (double, n);
  for (guint s = 0; s < self->n_stacks; s++)
    {
      const guint32 *frames = self->pool + self->offsets[s];
      guint depth = (guint) (self->offsets[s + 1] - self->offsets[s]);

      if (callers)
        {
          for (guint i = depth; i-- > 0;)
            if (frames[i] == index)
              {
                if (i == 0)
                  none += self->counts[s];
                else
                  by_function[frames[i - 1]] += self->counts[s];
                break;
              }
        }
      else
        {
          for (guint i = 0; i < depth; i++)
            if (frames[i] == index)
              {
                if (i + 1 == depth)
                  none += self->counts[s];
                else
                  by_function[frames[i + 1]] += self->counts[s];
                break;
              }
        }
    }
  for (guint f = 0; f < n; f++)
    if (by_function[f] != 0)
      {
        LpFunctionLink link = { f, by_function[f] };
        g_array_append_val (out, link);
      }
  if (none != 0)
    {
      LpFunctionLink link = { LP_FUNCTIONS_NONE, none };
      g_array_append_val (out, link);
    }
  g_array_sort (out, by_count);
  return out;
}

GArray *
lp_functions_get_callers (const LpFunctions *self,
                          guint              index)
{
  return links (self, index, TRUE);
}

GArray *
lp_functions_get_callees (const LpFunctions *self,
                          guint              index)
{
  return links (self, index, FALSE);
}

static gint
by_place (gconstpointer a,
          gconstpointer b)
{
  const LpFunctionLine *x = a, *y = b;
  int c = strcmp (x->file, y->file);

  if (c != 0)
    return c;
  return x->line < y->line ? -1 : x->line > y->line;
}

GArray *
lp_functions_get_lines (const LpFunctions *self,
                        guint              index)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (LpFunctionLine));

  g_return_val_if_fail (index < self->functions->len, out);
  for (guint i = 0; i < self->lines->len; i++)
    {
      const Line *l = &g_array_index (self->lines, Line, i);

      if (l->function == index)
        {
          LpFunctionLine line = { lp_intern_name (self->files, l->file), l->line, l->self, l->total };
          g_array_append_val (out, line);
        }
    }
  g_array_sort (out, by_place);
  return out;
}

/* The functions of a report's frame names */

struct _LpFunctionsCounter
{
  const LpFolded *report;  /* the report last counted (compared, never read) */
  guint           n_seen;  /* its frames counted */
  LpIntern       *names;   /* the functions among them */
};

LpFunctionsCounter *
lp_functions_counter_new (void)
{
  LpFunctionsCounter *self = g_new0 (LpFunctionsCounter, 1);

  self->names = lp_intern_new ();
  return self;
}

void
lp_functions_counter_free (LpFunctionsCounter *self)
{
  if (self == NULL)
    return;
  lp_intern_free (self->names);
  g_free (self);
}

guint
lp_functions_counter_count (LpFunctionsCounter *self,
                            const LpFolded     *report)
{
  g_autoptr(GString) buf = g_string_new (NULL);
  guint n_frames;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (report != NULL, 0);

  n_frames = lp_folded_get_n_frames (report);
  /* another report, or one that lost frames (made again) */
  if (report != self->report || n_frames < self->n_seen)
    {
      lp_intern_free (self->names);
      self->names = lp_intern_new ();
      self->report = report;
      self->n_seen = 0;
    }
  for (; self->n_seen < n_frames; self->n_seen++)
    {
      const char *name = lp_functions_name_of_frame (lp_folded_frame_name (report, self->n_seen), buf);

      lp_intern_add (self->names, name, strlen (name));
    }
  return lp_intern_size (self->names);
}
