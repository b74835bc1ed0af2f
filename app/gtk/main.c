/* main.c: the entry point of `laprof`, the GTK application.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "lp-application.h"
#include "lp-malloc.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(LpApplication) app = NULL;

  lp_malloc_tune (argv);
  setlocale (LC_ALL, "");
  /* LAPROF_LOCALEDIR: translations of an uninstalled build (build/po) */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("LAPROF_LOCALEDIR") != NULL ? g_getenv ("LAPROF_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name ("laprof");
  app = lp_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
