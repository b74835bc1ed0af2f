/* lp-demo-server.c: the slow HTTP server: first line at once, the rest after a delay.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <gio/gio.h>

#include "lp-demo-server.h"

static double server_delay;

static gboolean
run_cb (GThreadedSocketService *service,
        GSocketConnection      *connection,
        GObject                *source,
        gpointer                user_data)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_autoptr(GDataInputStream) data = g_data_input_stream_new (in);
  g_autofree char *request = NULL;
  const char head[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: text/plain\r\n"
    "Connection: close\r\n"
    "\r\n"
    "first line, at once\n";
  const char rest[] = "the rest, after a while\n";

  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (data), FALSE);
  request = g_data_input_stream_read_line (data, NULL, NULL, NULL);
  if (request == NULL)
    return TRUE;
  /* read the headers up to the empty line */
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (data, NULL, NULL, NULL);
      if (line == NULL || line[0] == '\0' || g_str_equal (line, "\r"))
        break;
    }

  if (!g_output_stream_write_all (out, head, sizeof head - 1, NULL, NULL, NULL))
    return TRUE;
  g_output_stream_flush (out, NULL, NULL);
  g_usleep ((gulong) (server_delay * G_USEC_PER_SEC));
  g_output_stream_write_all (out, rest, sizeof rest - 1, NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

typedef struct
{
  guint16  port;
  guint16  bound;
  GError  *error;
  gboolean ready;
  GMutex   mutex;
  GCond    cond;
} Start;

/* The server thread: its own main context, so that it accepts whatever the
 * rest of the process does (the demo handler computes and blocks). */
static gpointer
server_thread (gpointer user_data)
{
  Start *start = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (context, FALSE);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, start->port);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GSocketService) service = NULL;
  gboolean ok;

  g_main_context_push_thread_default (context);
  service = g_threaded_socket_service_new (64);
  ok = g_socket_listener_add_address (G_SOCKET_LISTENER (service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &effective, &start->error);
  if (ok)
    {
      g_signal_connect (service, "run", G_CALLBACK (run_cb), NULL);
      g_socket_service_start (service);
      start->bound = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
    }

  g_mutex_lock (&start->mutex);
  start->ready = TRUE;
  g_cond_signal (&start->cond);
  g_mutex_unlock (&start->mutex);

  if (ok)
    g_main_loop_run (loop);
  return NULL;
}

gboolean
lp_demo_server_start (guint16   port,
                      double    delay,
                      guint16  *bound_port,
                      GError  **error)
{
  Start start = { port, 0, NULL, FALSE };

  server_delay = delay;
  g_mutex_init (&start.mutex);
  g_cond_init (&start.cond);
  g_thread_unref (g_thread_new ("demo-server", server_thread, &start));

  g_mutex_lock (&start.mutex);
  while (!start.ready)
    g_cond_wait (&start.cond, &start.mutex);
  g_mutex_unlock (&start.mutex);
  g_mutex_clear (&start.mutex);
  g_cond_clear (&start.cond);

  if (start.error != NULL)
    {
      g_propagate_error (error, start.error);
      return FALSE;
    }
  *bound_port = start.bound;
  return TRUE;
}
