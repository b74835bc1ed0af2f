/* gen-folded.c: writes a large, deterministic folded report for the benchmarks.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * C++-style frame names from a vocabulary of a few thousand, stacks up to 45
 * deep that share prefixes the way real call trees do, in generation order
 * (not sorted), until the file reaches the requested size.
 *
 * usage: gen-folded [--shape=default|deep] OUTPUT [MEGABYTES]
 * --shape=deep: 12,000 names, stacks 8 to 64 deep with longer shared
 * prefixes, one line in eight a repeat of an earlier stack (another count),
 * and the lines shuffled, so that neither the order nor the prefixes of
 * consecutive lines help a reader: a tree of more nodes for the same size.
 * The default output is byte for byte what it always was. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

static guint64 rng_state = 0x2545F4914F6CDD1D;

static guint32
rng (void)
{
  /* xorshift64*: deterministic across machines */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (guint32) ((rng_state * G_GUINT64_CONSTANT (2685821657736338717)) >> 32);
}

static guint
pick (guint n)
{
  return rng () % n;
}

/* skewed towards small indexes, like the hot functions of a program */
static guint
pick_skewed (guint n)
{
  double u = (double) rng () / 4294967296.0;
  return (guint) (u * u * n);
}

static const char *namespaces[] = {
  "std", "boost::asio", "app", "net::http", "db::sql", "ui", "core", "io",
  "render::gl", "util", "json", "crypto", "cache", "sched", "mem",
};
static const char *classes[] = {
  "Vector", "HashMap", "Session", "Request", "Handler", "Buffer", "Parser",
  "Renderer", "Scheduler", "Allocator", "Connection", "Query", "Widget",
  "Document", "Tokenizer", "Pool", "Task", "Future", "Stream", "Visitor",
};
static const char *targs[] = {
  "", "", "", "<int>", "<std::string>", "<float>", "<Node*>",
  "<std::shared_ptr<Item> >", "<unsigned long, 16ul>",
};
static const char *methods[] = {
  "process", "update", "read", "write", "dispatch", "operator()", "run",
  "flush", "resize", "find", "insert", "emplace_back", "visit", "compute",
  "parse_value", "on_event", "poll", "lock", "hash", "compare",
};
static const char *params[] = {
  "()", "(int)", "(std::string const&)", "(unsigned long)", "(void*, unsigned long)",
  "(std::vector<int, std::allocator<int> > const&)", "(char const*, int)", "() const",
};
static const char *roots[] = { "server", "worker", "indexer" };

typedef struct
{
  guint     n_names;
  guint     min_depth;
  guint     depth_range;  /* want = min_depth + pick_skewed (depth_range) */
  gboolean  deep;
} Shape;

static const Shape default_shape = { 4000, 4, 42, FALSE };
static const Shape deep_shape = { 12000, 8, 57, TRUE };

int
main (int    argc,
      char **argv)
{
  guint64 target = 140 * 1000 * 1000;
  const Shape *shape = &default_shape;
  guint n_names;
  g_autoptr(GPtrArray) lines = NULL;   /* deep: the lines, shuffled before writing */
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint cur[64];
  guint depth = 0;
  guint64 written = 0, lines_n = 0;
  FILE *out;
  static char buf[1 << 20];

  if (argc > 1 && g_str_has_prefix (argv[1], "--shape="))
    {
      if (g_str_equal (argv[1], "--shape=deep"))
        shape = &deep_shape;
      else if (!g_str_equal (argv[1], "--shape=default"))
        {
          fprintf (stderr, "gen-folded: unknown %s\n", argv[1]);
          return 2;
        }
      argv++;
      argc--;
    }
  if (argc < 2 || argc > 3)
    {
      fprintf (stderr, "usage: gen-folded [--shape=default|deep] OUTPUT [MEGABYTES]\n");
      return 2;
    }
  n_names = shape->n_names;
  if (shape->deep)
    lines = g_ptr_array_new_with_free_func (g_free);
  if (argc == 3)
    target = g_ascii_strtoull (argv[2], NULL, 10) * 1000 * 1000;

  while (names->len < n_names)
    {
      char *name;

      if (pick (10) == 0)
        name = g_strdup_printf ("%s_%u", pick (2) ? "memcpy" : "__libc_worker", names->len);
      else
        {
          /* most names short, some with templates and full signatures */
          gboolean full = pick (4) == 0;
          name = g_strdup_printf ("%s::%s%s::%s%s", namespaces[pick (G_N_ELEMENTS (namespaces))],
                                  classes[pick (G_N_ELEMENTS (classes))],
                                  full ? targs[pick (G_N_ELEMENTS (targs))] : "",
                                  methods[pick (G_N_ELEMENTS (methods))],
                                  full ? params[pick (G_N_ELEMENTS (params))] : "");
        }
      if (g_hash_table_contains (seen, name))
        {
          g_free (name);
          continue;
        }
      g_hash_table_add (seen, name);
      g_ptr_array_add (names, name);
    }

  out = fopen (argv[1], "w");
  if (out == NULL)
    {
      perror (argv[1]);
      return 1;
    }
  setvbuf (out, buf, _IOFBF, sizeof buf);

  while (written < target)
    {
      guint keep, want, drop;
      GString *line;

      if (shape->deep && lines->len > 0 && pick (8) == 0)
        {
          /* the same stack again, on a line of its own */
          char *again = g_strdup (lines->pdata[pick (lines->len)]);
          written += strlen (again) + 3;
          g_ptr_array_add (lines, again);
          lines_n++;
          continue;
        }

      /* keep a prefix of the last stack, then grow new frames on it */
      drop = 1 + pick (MAX (depth, 1));
      if (shape->deep)
        drop += depth / 2;
      keep = depth - MIN (depth, drop);
      /* default: 4 .. 45 frames, most shallow */
      want = shape->min_depth + pick_skewed (shape->depth_range);
      depth = keep;
      if (depth == 0)
        cur[depth++] = pick (G_N_ELEMENTS (roots));
      while (depth < want)
        cur[depth++] = G_N_ELEMENTS (roots) + pick_skewed (n_names);

      if (!shape->deep)
        {
          for (guint i = 0; i < depth; i++)
            {
              const char *name = i == 0 ? roots[cur[0]] : names->pdata[cur[i] - G_N_ELEMENTS (roots)];
              if (i > 0)
                {
                  fputc (';', out);
                  written++;
                }
              fputs (name, out);
              written += strlen (name);
            }
          written += (guint64) fprintf (out, " %u\n", 1 + pick_skewed (200));
          lines_n++;
          continue;
        }

      line = g_string_new (NULL);
      for (guint i = 0; i < depth; i++)
        {
          const char *name = i == 0 ? roots[cur[0]] : names->pdata[cur[i] - G_N_ELEMENTS (roots)];
          if (i > 0)
            g_string_append_c (line, ';');
          g_string_append (line, name);
        }
      written += line->len + 3;
      g_ptr_array_add (lines, g_string_free (line, FALSE));
      lines_n++;
    }

  if (shape->deep)
    {
      /* Fisher-Yates, then each line with a count */
      for (guint i = lines->len; i > 1; i--)
        {
          guint j = pick (i);
          gpointer t = lines->pdata[i - 1];
          lines->pdata[i - 1] = lines->pdata[j];
          lines->pdata[j] = t;
        }
      for (guint i = 0; i < lines->len; i++)
        fprintf (out, "%s %u\n", (const char *) lines->pdata[i], 1 + pick_skewed (200));
    }

  if (fclose (out) != 0)
    {
      perror (argv[1]);
      return 1;
    }
  fprintf (stderr, "gen-folded: %s: %" G_GUINT64_FORMAT " lines, %.1f MB, %u distinct names\n",
           argv[1], lines_n, written / 1e6, names->len + (guint) G_N_ELEMENTS (roots));
  return 0;
}
