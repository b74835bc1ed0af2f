/* test-symbols.c: names of addresses that have no symbol of their own.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PLT stubs: a sample in one (a call through it, caught before the jump)
 * had shown as "[engine-target+0x1090]". binutils' objdump labels each
 * stub "name@plt", from the same relocations but by its own code: every
 * label it gives, in this test program and the libraries it maps, must be
 * the name laprof gives to every address of that stub. */
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lp-symbols.h"

/* The load address of @path in this process: the start of its mapping at
 * file offset 0 (its first PT_LOAD has address 0, as in every PIE and
 * shared library here). */
static guint64
load_bias (const char *path)
{
  g_autofree char *maps = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *real = g_canonicalize_filename (path, NULL);
  g_autofree char *resolved = realpath (real, NULL);

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  lines = g_strsplit (maps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      unsigned long long start, end, offset;
      char file[4096] = "";

      if (sscanf (lines[i], "%llx-%llx %*s %llx %*s %*s %4095s", &start, &end, &offset, file) == 4 &&
          offset == 0 && g_strcmp0 (file, resolved ? resolved : real) == 0)
        return start;
    }
  g_assert_not_reached ();
  return 0;
}

/* The PLT stubs objdump labels in @path: address -> "name@plt". */
static GHashTable *
objdump_stubs (const char *path)
{
  g_autofree char *out = NULL, *err = NULL;
  const char *argv[] = { "objdump", "-d", "-j", ".plt", "-j", ".plt.sec", "-j", ".plt.got", path, NULL };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GHashTable *stubs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                               &error));
  g_assert_no_error (error);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 addr;
      char label[1024];

      /* "0000000000001090 <clock_gettime@plt>:"; not "<x@plt-0x10>" (the
       * lazy binder) */
      if (sscanf (lines[i], "%" G_GINT64_MODIFIER "x <%1023[^>]>:", &addr, label) == 2 &&
          g_str_has_suffix (label, "@plt"))
        g_hash_table_insert (stubs, g_memdup2 (&addr, sizeof addr), g_strdup (label));
    }
  return stubs;
}

/* objdump's label of a stub, written as laprof writes names: "[plt]" for
 * an IRELATIVE slot (labelled "*ABS*+0x9f550@plt"), else demangled */
static char *
expected_name (const char *label)
{
  g_autofree char *base = g_strndup (label, strlen (label) - strlen ("@plt"));
  g_autofree char *demangled = NULL;

  if (base[0] == '*')
    return g_strdup ("[plt]");
  demangled = lp_symbols_demangle (base);
  return g_strdup_printf ("%s@plt", demangled ? demangled : base);
}

static void
check_module (LpSymbols  *symbols,
              const char *path)
{
  g_autoptr(GHashTable) stubs = objdump_stubs (path);
  guint64 bias = load_bias (path);
  GHashTableIter iter;
  gpointer key, value;
  guint named = 0;

  g_hash_table_iter_init (&iter, stubs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint64 addr = *(guint64 *) key;
      g_autofree char *want = expected_name (value);

      /* the jump at its start, and a byte further in */
      g_assert_cmpstr (lp_symbols_lookup (symbols, bias + addr), ==, want);
      g_assert_cmpstr (lp_symbols_lookup (symbols, bias + addr + 6), ==, want);
      named += strcmp (want, "[plt]") != 0;
    }
  g_test_message ("%s: %u stubs, %u of them named", path, g_hash_table_size (stubs), named);
  g_assert_cmpuint (named, >, 0);
}

static void
test_plt (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LpSymbols) symbols = lp_symbols_new (getpid (), FALSE, &error);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *maps = NULL;
  /* C, GLib, IRELATIVE slots (libc), C++ names (libstdc++) */
  const char *libs[] = { "/libglib-2.0.so", "/libc.so.6", "/libstdc++.so", "/libdw-" };

  g_assert_no_error (error);
  check_module (symbols, self);
  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (libs); i++)
    {
      const char *p = strstr (maps, libs[i]), *start, *end;
      g_autofree char *path = NULL;

      g_assert_nonnull (p);
      for (start = p; start > maps && start[-1] != ' '; start--)
        ;
      end = strchr (p, '\n');
      path = g_strndup (start, end - start);
      check_module (symbols, path);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/symbols/plt", test_plt);
  return g_test_run ();
}
