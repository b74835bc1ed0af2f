/* demo-server.c: the seed's dummy API server, native: a slow HTTP server on loopback.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Answers every GET with its headers and a first line at once, and the rest
 * of the body after --delay seconds, many requests at a time (a thread per
 * connection). Prints "listening on 127.0.0.1:PORT" once it accepts. */
#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>

#include "lp-demo-server.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  double delay = 3.0;
  int port = 0;
  guint16 bound;
  const GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0: any free one)", "PORT" },
    { "delay", 'd', 0, G_OPTION_ARG_DOUBLE, &delay, "Seconds before the rest of the answer (default 3)", "SECONDS" },
    { NULL }
  };

  context = g_option_context_new ("— a slow HTTP server for the benchmarks");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "demo-server: %s\n", error->message);
      return 2;
    }

  if (!lp_demo_server_start ((guint16) port, delay, &bound, &error))
    {
      fprintf (stderr, "demo-server: %s\n", error->message);
      return 1;
    }
  printf ("listening on 127.0.0.1:%u\n", bound);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (loop);
  return 0;
}
