/* demo-handler.c: the seed's example handler, native: sleep, compute, wait on a request.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three phases, as pylaprof's example Lambda handler: it sleeps, runs a CPU
 * loop over a few distinct arithmetic functions, then asks the demo server
 * for an answer that comes slowly, and reads it. The default phases are 3 s
 * each; --scale multiplies them. Without --url it starts a demo server in a
 * thread of its own (a thread blocked in poll, for the wall-clock view). */
#include <gio/gio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lp-demo-server.h"

/* The hot functions are kept out of line so that they are frames of their own. */

G_GNUC_NO_INLINE static guint
demo_count_primes (guint limit)
{
  guint count = 0;

  for (guint n = 2; n < limit; n++)
    {
      gboolean prime = TRUE;
      for (guint d = 2; d * d <= n; d++)
        if (n % d == 0)
          {
            prime = FALSE;
            break;
          }
      count += prime;
    }
  return count;
}

G_GNUC_NO_INLINE static guint
demo_mandelbrot (guint size,
                 guint max_iter)
{
  guint inside = 0;

  for (guint y = 0; y < size; y++)
    for (guint x = 0; x < size; x++)
      {
        double cr = 3.0 * x / size - 2.0, ci = 2.0 * y / size - 1.0;
        double zr = 0, zi = 0;
        guint i = 0;

        while (i < max_iter && zr * zr + zi * zi < 4.0)
          {
            double t = zr * zr - zi * zi + cr;
            zi = 2 * zr * zi + ci;
            zr = t;
            i++;
          }
        inside += i == max_iter;
      }
  return inside;
}

G_GNUC_NO_INLINE static guint64
demo_checksum (const guint8 *data,
               gsize         len)
{
  guint64 h = G_GUINT64_CONSTANT (1469598103934665603);

  for (gsize i = 0; i < len; i++)
    h = (h ^ data[i]) * G_GUINT64_CONSTANT (1099511628211);
  return h;
}

static volatile guint64 sink;

/* Runs for @seconds; returns the rounds done, the work a profiler's cost
 * takes away (the phase itself lasts the same). */
G_GNUC_NO_INLINE static guint64
demo_compute (double seconds)
{
  guint64 rounds = 0;

  static guint8 buffer[256 * 1024];
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  for (gsize i = 0; i < sizeof buffer; i++)
    buffer[i] = (guint8) (i * 7);
  while (g_get_monotonic_time () < end)
    {
      sink += demo_count_primes (6000);
      sink += demo_mandelbrot (60, 200);
      sink += demo_checksum (buffer, sizeof buffer);
      rounds++;
    }
  return rounds;
}

G_GNUC_NO_INLINE static void
demo_sleep (double seconds)
{
  struct timespec ts = { (time_t) seconds, (long) ((seconds - floor (seconds)) * 1e9) };

  while (nanosleep (&ts, &ts) != 0)
    ;
}

G_GNUC_NO_INLINE static gboolean
demo_request (const char  *host,
              guint16      port,
              gsize       *received,
              GError     **error)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autofree char *request = NULL;
  char buf[4096];
  gssize n;

  connection = g_socket_client_connect_to_host (client, host, port, NULL, error);
  if (connection == NULL)
    return FALSE;
  request = g_strdup_printf ("GET / HTTP/1.1\r\nHost: %s:%u\r\nConnection: close\r\n\r\n", host, port);
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                  request, strlen (request), NULL, NULL, error))
    return FALSE;
  *received = 0;
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                   buf, sizeof buf, NULL, error)) > 0)
    *received += (gsize) n;
  return n == 0;
}

static gboolean
parse_url (const char  *url,
           char       **host,
           guint16     *port)
{
  const char *p = g_str_has_prefix (url, "http://") ? url + 7 : url;
  const char *colon = strchr (p, ':');
  const char *slash = strchr (p, '/');

  if (colon == NULL || (slash != NULL && slash < colon))
    return FALSE;
  *host = g_strndup (p, colon - p);
  *port = (guint16) atoi (colon + 1);
  return *port != 0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *host = NULL;
  double scale = 1.0;
  int iterations = 1;
  gboolean forever = FALSE, verbose = FALSE;
  guint16 port = 0;
  const GOptionEntry entries[] = {
    { "scale", 's', 0, G_OPTION_ARG_DOUBLE, &scale, "Multiply the 3 s phases by this", "FACTOR" },
    { "url", 'u', 0, G_OPTION_ARG_STRING, &url, "The demo server (default: one in a thread of this process)", "http://127.0.0.1:PORT/" },
    { "iterations", 'n', 0, G_OPTION_ARG_INT, &iterations, "Run the handler this many times (default 1)", "N" },
    { "forever", 'f', 0, G_OPTION_ARG_NONE, &forever, "Run until killed", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Print the time of each phase", NULL },
    { NULL }
  };

  context = g_option_context_new ("— the benchmarks' demo workload");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "demo-handler: %s\n", error->message);
      return 2;
    }

  if (url != NULL)
    {
      if (!parse_url (url, &host, &port))
        {
          fprintf (stderr, "demo-handler: cannot read the URL %s (want http://HOST:PORT/)\n", url);
          return 2;
        }
    }
  else
    {
      host = g_strdup ("127.0.0.1");
      if (!lp_demo_server_start (0, 3.0 * scale, &port, &error))
        {
          fprintf (stderr, "demo-handler: could not start the demo server: %s\n", error->message);
          return 1;
        }
    }

  for (int i = 0; forever || i < iterations; i++)
    {
      gint64 t0 = g_get_monotonic_time (), t1, t2, t3;
      gsize received = 0;
      guint64 rounds;

      demo_sleep (3.0 * scale);
      t1 = g_get_monotonic_time ();
      rounds = demo_compute (3.0 * scale);
      t2 = g_get_monotonic_time ();
      if (!demo_request (host, port, &received, &error))
        {
          fprintf (stderr, "demo-handler: the request to %s:%u failed: %s\n", host, port, error->message);
          return 1;
        }
      t3 = g_get_monotonic_time ();
      if (verbose)
        printf ("sleep %.3f s, compute %.3f s, request %.3f s (%zu bytes), %" G_GUINT64_FORMAT " compute rounds\n",
                (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, received, rounds);
    }
  return 0;
}
