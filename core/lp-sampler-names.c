/* lp-sampler-names.c: the sampler's names that come late: debug files from debuginfod (symbols made again), the frames named after their module for want of a symbol (named at the end), the source files frames name.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>
#include <unistd.h>

#include "lp-collapse.h"
#include "lp-debuginfod.h"
#include "lp-functions.h"
#include "lp-sampler-names.h"
#include "lp-sampler-private.h"
#include "lp-symbols.h"

void
_lp_sampler_names_refresh (LpSampler *self)
{
  GHashTableIter iter;
  gpointer value;
  LpDebuginfod *fetcher = self->pid != getpid () ? lp_debuginfod_get () : NULL;
  guint debuginfod_generation = fetcher != NULL ? lp_debuginfod_get_generation (fetcher) : 0;

  /* a debug file arrived: the processes' symbols are made again, and
   * addresses are named again from the next sample on */
  if (debuginfod_generation != self->debuginfod_generation)
    {
      self->debuginfod_generation = debuginfod_generation;
      g_hash_table_iter_init (&iter, self->spaces);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          Space *space = value;
          LpSymbols *symbols;

          if (space->symbols == NULL || (symbols = lp_symbols_new (space->pid, self->opts.lines, NULL)) == NULL)
            continue;
          lp_symbols_free (space->symbols);
          space->symbols = symbols;
          space->n_sources = 0;
          g_hash_table_remove_all (space->frame_cache);
          g_hash_table_remove_all (space->inlined_cache);
        }
    }
}

void
_lp_sampler_note_unnamed (LpSampler  *self,
                          const char *module,
                          const char *path)
{
  if (path == NULL || path[0] != '/')
    return;
  if (self->unnamed_modules == NULL)
    self->unnamed_modules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!g_hash_table_contains (self->unnamed_modules, module))
    g_hash_table_insert (self->unnamed_modules, g_strdup (module), g_strdup (path));
}

GPtrArray *
lp_sampler_names_late (LpSampler *self)
{
  g_autoptr(LpSymbols) symbols = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GString) buf = g_string_new (NULL);
  guint n_frames = lp_folded_get_n_frames (self->dest);
  gboolean any = FALSE;

  if (self->unnamed_modules == NULL)
    return NULL;
  symbols = lp_symbols_new_files (self->opts.lines);
  names = g_ptr_array_new_full (n_frames, g_free);
  for (guint f = 0; f < n_frames; f++)
    {
      const char *frame = lp_folded_frame_name (self->dest, f);
      g_autofree char *module = NULL;
      guint64 offset;
      gboolean is_start;
      const char *path, *name = NULL;

      if (lp_collapse_parse_unnamed (frame, strlen (frame), &module, &offset, &is_start) &&
          (path = g_hash_table_lookup (self->unnamed_modules, module)) != NULL)
        name = lp_symbols_lookup_file (symbols, path, offset);
      /* a function's start names the function, not its first line */
      if (name != NULL && is_start)
        name = lp_functions_name_of_frame (name, buf);
      g_ptr_array_add (names, g_strdup (name));
      any = any || name != NULL;
    }
  return any ? g_steal_pointer (&names) : NULL;
}

void
_lp_sampler_note_source (LpSampler  *self,
                         const char *file,
                         const char *path)
{
  if (path == NULL || path[0] != '/')
    return;
  if (self->sources == NULL)
    {
      self->sources = g_ptr_array_new_with_free_func (g_free);
      self->source_files = g_hash_table_new (g_str_hash, g_str_equal);
    }
  if (g_hash_table_contains (self->source_files, file))
    return;
  g_ptr_array_add (self->sources, g_strdup (file));
  g_ptr_array_add (self->sources, g_strdup (path));
  g_hash_table_add (self->source_files, g_ptr_array_index (self->sources, self->sources->len - 2));
}

guint
lp_sampler_names_get_n_sources (LpSampler *self)
{
  return self->sources != NULL ? self->sources->len / 2 : 0;
}

gboolean
lp_sampler_names_get_source (LpSampler   *self,
                             guint        index,
                             const char **file,
                             const char **path)
{
  if (index >= lp_sampler_names_get_n_sources (self))
    return FALSE;
  *file = g_ptr_array_index (self->sources, 2 * index);
  *path = g_ptr_array_index (self->sources, 2 * index + 1);
  return TRUE;
}
