/* test-svg.c: the interactive SVG: well-formed XML, frames as laid out, names escaped, script working in Chromium.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lp-flame-export.h"
#include "lp-flame-svg.h"
#include "lp-folded-reader.h"
#include "test-util.h"

/* What the parser saw of the frames: one entry per <g class="f"> */
typedef struct
{
  char   *id;
  char   *title;
  char   *text;
  double  x, width;
} Frame;

typedef struct
{
  GArray  *frames;     /* Frame */
  GString *cdata;
  guint    n_script;
  guint    n_elements;
  gboolean in_frame, in_title, in_text;
} Seen;

static void
frame_clear (gpointer p)
{
  Frame *f = p;
  g_free (f->id);
  g_free (f->title);
  g_free (f->text);
}

static const char *
attr (const char **names,
      const char **values,
      const char  *name)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return values[i];
  return NULL;
}

static void
start_element (GMarkupParseContext *context,
               const char          *element,
               const char         **names,
               const char         **values,
               gpointer             user_data,
               GError             **error)
{
  Seen *seen = user_data;
  const char *klass = attr (names, values, "class");

  seen->n_elements++;
  if (g_str_equal (element, "script"))
    seen->n_script++;
  if (g_str_equal (element, "g") && klass != NULL && g_str_has_prefix (klass, "f"))
    {
      Frame f = { .id = g_strdup (attr (names, values, "id")) };
      g_array_append_val (seen->frames, f);
      seen->in_frame = TRUE;
    }
  else if (seen->in_frame && g_str_equal (element, "rect"))
    {
      Frame *f = &g_array_index (seen->frames, Frame, seen->frames->len - 1);
      f->x = g_ascii_strtod (attr (names, values, "x"), NULL);
      f->width = g_ascii_strtod (attr (names, values, "width"), NULL);
    }
  else if (seen->in_frame && g_str_equal (element, "title"))
    seen->in_title = TRUE;
  else if (seen->in_frame && g_str_equal (element, "text"))
    seen->in_text = TRUE;
}

static void
end_element (GMarkupParseContext *context,
             const char          *element,
             gpointer             user_data,
             GError             **error)
{
  Seen *seen = user_data;

  if (g_str_equal (element, "title"))
    seen->in_title = FALSE;
  else if (g_str_equal (element, "text"))
    seen->in_text = FALSE;
  else if (g_str_equal (element, "g"))
    seen->in_frame = FALSE;
}

static void
text (GMarkupParseContext *context,
      const char          *data,
      gsize                len,
      gpointer             user_data,
      GError             **error)
{
  Seen *seen = user_data;
  Frame *f;

  if (!seen->in_frame)
    return;
  f = &g_array_index (seen->frames, Frame, seen->frames->len - 1);
  if (seen->in_title)
    {
      g_autofree char *old = f->title;
      f->title = g_strconcat (old != NULL ? old : "", data, NULL);
      (void) len;
    }
  else if (seen->in_text)
    {
      g_autofree char *old = f->text;
      f->text = g_strconcat (old != NULL ? old : "", data, NULL);
    }
}

static Seen *
parse_svg (const char *svg,
           gsize       len)
{
  static const GMarkupParser parser = { start_element, end_element, text, NULL, NULL };
  Seen *seen = g_new0 (Seen, 1);
  g_autoptr(GMarkupParseContext) ctx = NULL;
  g_autoptr(GError) error = NULL;

  seen->frames = g_array_new (FALSE, TRUE, sizeof (Frame));
  g_array_set_clear_func (seen->frames, frame_clear);
  ctx = g_markup_parse_context_new (&parser, 0, seen, NULL);
  g_markup_parse_context_parse (ctx, svg, len, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (ctx, &error);
  g_assert_no_error (error);
  return seen;
}

static void
seen_free (Seen *seen)
{
  g_array_unref (seen->frames);
  g_free (seen);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Seen, seen_free)

static const char hostile[] =
  "main;</text><script>alert(1)</script> 3\n"
  "main;a&b \"quoted\" 'single' <T> 2\n"
  "main;ctl\x01x 1\n"
  "main;std::vector<int>::push_back 2\n";

static void
test_frames_match_layout (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text (hostile);
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, 0);
  g_autoptr(LpFlameLayout) layout = NULL;
  g_autoptr(GString) svg = NULL;
  g_autoptr(Seen) seen = NULL;
  LpFlameExportOptions opts;
  gboolean found_script_name = FALSE, found_amp = FALSE, found_ctl = FALSE;
  g_autofree char *xmllint = NULL;

  lp_flame_picture_options_init (&opts);
  opts.title = "<b>title & more</b>";
  opts.subtitle = "sub</text>";
  svg = lp_flame_svg_new (model, &opts);
  layout = lp_flame_picture_layout (model, &opts);
  seen = parse_svg (svg->str, svg->len);

  /* the only script is ours; no name broke out of its element */
  g_assert_cmpuint (seen->n_script, ==, 1);
  g_assert_null (strstr (svg->str, "<script>alert"));
  g_assert_null (strstr (svg->str, "\x01"));
  g_assert_nonnull (strstr (svg->str, "&lt;b&gt;title &amp; more&lt;/b&gt;"));

  g_assert_cmpuint (seen->frames->len, ==, layout->rects->len);
  for (guint i = 0; i < layout->rects->len; i++)
    {
      const LpFlameRect *r = &g_array_index (layout->rects, LpFlameRect, i);
      Frame *f = &g_array_index (seen->frames, Frame, i);
      const char *name = lp_flame_model_node_name (model, r->node);
      g_autofree char *expected_title_start = g_strconcat (name, " (", NULL);

      g_assert_cmpfloat_with_epsilon (f->x, 10 + r->x, 0.0051);
      g_assert_cmpfloat_with_epsilon (f->width, r->width, 0.0051);
      if (strchr (name, '\x01') == NULL)
        g_assert_true (g_str_has_prefix (f->title, expected_title_start));
      else
        {
          found_ctl = TRUE;
          g_assert_true (g_str_has_prefix (f->title, "ctl\xEF\xBF\xBDx ("));
        }
      if (g_str_has_prefix (name, "</text>"))
        {
          found_script_name = TRUE;
          /* wide enough to be shown whole, as text */
          g_assert_cmpstr (f->text, ==, name);
          g_assert_true (g_str_has_suffix (f->title, "(3 samples, 37.50%)"));
        }
      if (g_str_has_prefix (name, "a&b"))
        found_amp = TRUE;
    }
  g_assert_true (found_script_name);
  g_assert_true (found_amp);
  g_assert_true (found_ctl);

  xmllint = g_find_program_in_path ("xmllint");
  if (xmllint != NULL)
    {
      g_autofree char *path = NULL;
      int fd = g_file_open_tmp ("laprof-svg-XXXXXX.svg", &path, NULL);
      const char *argv[] = { "xmllint", "--noout", NULL, NULL };
      int status;

      g_assert_cmpint (fd, >=, 0);
      g_assert_true (g_file_set_contents (path, svg->str, svg->len, NULL));
      close (fd);
      argv[2] = path;
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                   NULL, NULL, &status, NULL));
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_unlink (path);
    }
}

static void
test_options (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text ("a;b 1\na;c 2\nd 1\n");
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, 0);
  g_autoptr(GString) svg = NULL;
  g_autoptr(GRegex) re = g_regex_new ("^c$", 0, 0, NULL);
  g_autoptr(Seen) seen = NULL;
  LpFlameExportOptions opts;

  lp_flame_picture_options_init (&opts);
  opts.icicle = TRUE;
  opts.width = 600;
  opts.count_name = "bytes";
  opts.search = re;
  svg = lp_flame_svg_new (model, &opts);
  seen = parse_svg (svg->str, svg->len);
  g_assert_nonnull (strstr (svg->str, ">Icicle Graph</text>"));
  g_assert_nonnull (strstr (svg->str, "width=\"600\""));
  g_assert_nonnull (strstr (svg->str, "data-icicle=\"1\""));
  g_assert_nonnull (strstr (svg->str, "(2 bytes, 50.00%)"));
  g_assert_nonnull (strstr (svg->str, "Matched: 50.0%"));
  g_assert_nonnull (strstr (svg->str, "data-search=\"^c$\""));
  g_assert_nonnull (strstr (svg->str, "fill=\"rgb(230,0,230)\""));
  g_assert_cmpuint (seen->frames->len, ==, 5);
  /* icicle: "all" at the top, right under the title */
  g_assert_nonnull (strstr (svg->str, "<title>all (4 bytes, 100.00%)</title><rect x=\"10\" y=\"36\""));
}

static void
test_differential_titles (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text ("a;b 1 3\na;c 4 2\n");
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, LP_FLAME_MODEL_DIFFERENTIAL);
  g_autoptr(GString) svg = NULL;
  LpFlameExportOptions opts;

  lp_flame_picture_options_init (&opts);
  svg = lp_flame_svg_new (model, &opts);
  g_assert_nonnull (strstr (svg->str, "<title>b (3 samples, 60.00%; +2 samples, +40.00%)</title>"));
  g_assert_nonnull (strstr (svg->str, "<title>c (2 samples, 40.00%; -2 samples, -40.00%)</title>"));
  /* b grew most (red), c shrank as much (blue) */
  g_assert_nonnull (strstr (svg->str, "fill=\"rgb(255,0,0)\""));
  g_assert_nonnull (strstr (svg->str, "fill=\"rgb(0,0,255)\""));
}

/* Runs laprof-cli with @args; returns its exit status. */
static int
run_cli (const char * const *args,
         char              **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status;

  g_ptr_array_add (argv, (gpointer) g_getenv ("LAPROF_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, 0, NULL, NULL, out, NULL, &status, &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* laprof-cli svg: titled after the report's file unless --title says */
static void
test_cli_title (void)
{
  g_autofree char *xz = g_test_build_filename (G_TEST_DIST, "data", "perf-xz.folded", NULL);
  g_autofree char *out = NULL;

  if (g_getenv ("LAPROF_CLI") == NULL)
    {
      g_test_skip ("LAPROF_CLI is not set (run through meson test)");
      return;
    }
  {
    const char *args[] = { "svg", xz, NULL };

    g_assert_cmpint (run_cli (args, &out), ==, 0);
    g_assert_nonnull (strstr (out, ">perf-xz.folded</text>"));
    g_assert_null (strstr (out, ">Flame Graph</text>"));
  }
  {
    const char *args[] = { "svg", xz, "--title", "My xz", NULL };

    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_cli (args, &out), ==, 0);
    g_assert_nonnull (strstr (out, ">My xz</text>"));
  }
}

static void
test_cli (void)
{
  g_autofree char *xz = g_test_build_filename (G_TEST_DIST, "data", "perf-xz.folded", NULL);
  g_autofree char *py = g_test_build_filename (G_TEST_DIST, "data", "perf-python.folded", NULL);
  g_autofree char *dir = g_dir_make_tmp ("laprof-svg-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "xz.png", NULL);
  g_autofree char *diff = g_build_filename (dir, "d.svg", NULL);
  g_autofree char *out = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  if (g_getenv ("LAPROF_CLI") == NULL)
    {
      g_test_skip ("LAPROF_CLI is not set (run through meson test)");
      return;
    }

  {
    const char *args[] = { "svg", xz, "--title", "xz", "--colors", "lang", "--hash", "--reverse",
                           "--minwidth", "0.5%", "--countname", "ticks", NULL };
    g_autoptr(Seen) seen = NULL;

    g_assert_cmpint (run_cli (args, &out), ==, 0);
    seen = parse_svg (out, strlen (out));
    g_assert_cmpuint (seen->frames->len, >, 5);
    g_assert_nonnull (strstr (out, "(12,000 ticks, 100.00%)"));
  }
  {
    const char *args[] = { "svg", xz, "--focus", "exc_page_fault_[k]", "--format", "svg", NULL };
    g_autoptr(Seen) seen = NULL;

    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_cli (args, &out), ==, 0);
    seen = parse_svg (out, strlen (out));
    /* all, then the focused frame at full width */
    g_assert_true (g_str_has_prefix (g_array_index (seen->frames, Frame, 1).title, "exc_page_fault_[k] ("));
    g_assert_cmpfloat (g_array_index (seen->frames, Frame, 1).width, ==, 1180);
  }
  {
    const char *args[] = { "svg", xz, "--format", "png", "-o", png, NULL };
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_cli (args, &out), ==, 0);
    g_assert_true (g_file_get_contents (png, &contents, &len, NULL));
    g_assert_cmpuint (len, >, 8);
    g_assert_cmpint (memcmp (contents, "\x89PNG\r\n\x1a\n", 8), ==, 0);
  }
  {
    const char *args[] = { "diff", xz, py, "-o", diff, NULL };
    g_autoptr(Seen) seen = NULL;

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&contents, g_free);
    g_assert_cmpint (run_cli (args, &out), ==, 0);
    g_assert_true (g_file_get_contents (diff, &contents, &len, NULL));
    seen = parse_svg (contents, len);
    /* widths from the second report */
    g_assert_nonnull (strstr (contents, "<title>all (736 samples, 100.00%; -11,264 samples, -1530.43%)</title>"));
  }
  {
    const char *bad_palette[] = { "svg", xz, "--colors", "rainbow", NULL };
    const char *bad_png[] = { "png", xz, NULL };
    const char *missing[] = { "svg", "/nonexistent/x.folded", NULL };
    const char *bad_focus[] = { "svg", xz, "--focus", "no such frame", NULL };

    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_cli (bad_palette, &out), ==, 2);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_cli (bad_png, &out), ==, 2);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_cli (missing, &out), ==, 2);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_cli (bad_focus, &out), ==, 2);
  }
  g_unlink (png);
  g_unlink (diff);
  g_rmdir (dir);
}

/* Loads @svg_path?@query in headless Chromium and returns the DOM after
 * the page's script ran, or NULL (and skips) when Chromium is absent. */
static char *
chromium_dom (const char *svg_path,
              const char *query)
{
  g_autofree char *chromium = g_find_program_in_path ("chromium");
  g_autofree char *profile = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *url = NULL;
  g_autofree char *dir_arg = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status;

  if (chromium == NULL)
    chromium = g_find_program_in_path ("chromium-browser");
  if (chromium == NULL)
    {
      g_test_skip ("chromium is not installed (apt-get install chromium): the SVG script is not run");
      return NULL;
    }
  profile = g_dir_make_tmp ("laprof-chromium-XXXXXX", &error);
  g_assert_no_error (error);
  uri = g_filename_to_uri (svg_path, NULL, &error);
  g_assert_no_error (error);
  url = g_strconcat (uri, "?", query, NULL);
  dir_arg = g_strconcat ("--user-data-dir=", profile, NULL);
  {
    const char *argv[] = { chromium, "--headless", "--no-sandbox", "--disable-gpu",
                           "--disable-background-networking", "--disable-component-update",
                           "--disable-sync", "--no-first-run", dir_arg, "--dump-dom", url, NULL };
    const char *rm[] = { "rm", "-rf", profile, NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                  &out, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_spawn_sync (NULL, (char **) rm, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  }
  return out;
}

static char *
element_with_id (const char *dom,
                 const char *id)
{
  g_autofree char *needle = g_strdup_printf ("id=\"%s\"", id);
  const char *p = strstr (dom, needle), *start, *end;

  g_assert_nonnull (p);
  start = p;
  while (start > dom && *start != '<')
    start--;
  end = strstr (p, "</");
  g_assert_nonnull (end);
  end = strchr (end, '>');
  return g_strndup (start, end - start + 1);
}

static void
test_chromium (void)
{
  g_autoptr(LpFolded) folded = test_folded_from_text ("a;b 1\na;c 2\nd 1\nx;</text><script>document.documentElement.setAttribute('data-pwned','1')</script> 0.01\n");
  g_autoptr(LpFlameModel) model = lp_flame_model_new_from_folded (folded, 0);
  g_autoptr(GString) svg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("laprof-svg-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "g.svg", NULL);
  g_autofree char *dom = NULL;
  g_autofree char *matched = NULL;
  LpFlameExportOptions opts;

  lp_flame_picture_options_init (&opts);
  opts.min_width = 0;
  svg = lp_flame_svg_new (model, &opts);
  g_assert_true (g_file_set_contents (path, svg->str, svg->len, &error));
  /* ids in layout order: f0 all, f1 a, f2 d, f3 x, f4 b, f5 c, ... */
  g_assert_nonnull (strstr (svg->str, "<g id=\"f1\" class=\"f\"><title>a ("));
  g_assert_nonnull (strstr (svg->str, "<g id=\"f2\" class=\"f\"><title>d ("));
  g_assert_nonnull (strstr (svg->str, "<g id=\"f5\" class=\"f\"><title>c ("));

  /* a search from the URL, as Ctrl-F would run it */
  dom = chromium_dom (path, "s=%5Ec%24");
  if (dom == NULL)
    goto out;
  matched = element_with_id (dom, "matched");
  g_test_message ("after search: %s", matched);
  g_assert_nonnull (strstr (matched, ">Matched: 49.9%<"));
  /* the hostile name stayed text: one script element, never run */
  g_assert_null (strstr (dom, "data-pwned=\"1\""));
  g_assert_nonnull (strstr (dom, "<script"));
  g_assert_null (strstr (strstr (dom, "<script") + 1, "<script"));

  /* a scripted click on "a" zooms: d is hidden, a and c are widened, the
   * search then counts within a */
  g_clear_pointer (&dom, g_free);
  g_clear_pointer (&matched, g_free);
  dom = chromium_dom (path, "x=f1&s=%5Ec%24&h=f5");
  matched = element_with_id (dom, "matched");
  {
    /* hovering c shows its details */
    g_autofree char *details = element_with_id (dom, "details");
    g_test_message ("after hover: %s", details);
    g_assert_nonnull (strstr (details, ">c (2 samples, 49.88%)<"));
  }
  g_test_message ("after zoom and search: %s", matched);
  g_assert_nonnull (strstr (matched, ">Matched: 66.7%<"));
  g_assert_nonnull (strstr (dom, "<g id=\"f2\" class=\"f hide\">"));
  g_assert_nonnull (strstr (dom, "<g id=\"f0\" class=\"f parent\">"));
  g_assert_nonnull (strstr (dom, "<rect x=\"10.00\" y=\"52\" width=\"1180.00\""));
  {
    g_autofree char *unzoom = element_with_id (dom, "unzoom");
    g_assert_null (strstr (unzoom, "hide"));
  }

  /* ignoring case (the "ic" toggle, here from the URL) */
  g_clear_pointer (&dom, g_free);
  g_clear_pointer (&matched, g_free);
  dom = chromium_dom (path, "x=f1&s=%5EC%24&i=1");
  matched = element_with_id (dom, "matched");
  g_assert_nonnull (strstr (matched, ">Matched: 66.7%<"));

out:
  g_unlink (path);
  g_rmdir (dir);
}

/* Names too long for their frame end in "…", in the file as written and
 * after the script re-labels a zoom (issue 12: they ended in ".."). */
static void
test_ellipsis (void)
{
  g_autoptr(GString) name = g_string_new ("demo_");
  g_autoptr(GString) text = NULL;
  g_autoptr(LpFolded) folded = NULL;
  g_autoptr(LpFlameModel) model = NULL;
  g_autoptr(GString) svg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("laprof-svg-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "g.svg", NULL);
  g_autofree char *dom = NULL;
  LpFlameExportOptions opts;
  Seen *seen;
  guint n_cut = 0;
  g_autofree char *cut_id = NULL;
  g_autofree char *query = NULL;

  /* wider than the whole graph, so cut at every zoom */
  for (int i = 0; i < 40; i++)
    g_string_append (name, "function_");
  text = g_string_new (NULL);
  g_string_append_printf (text, "main;%s 3\nmain;other 1\n", name->str);
  folded = test_folded_from_text (text->str);
  model = lp_flame_model_new_from_folded (folded, 0);
  lp_flame_picture_options_init (&opts);
  svg = lp_flame_svg_new (model, &opts);
  seen = parse_svg (svg->str, svg->len);
  for (guint i = 0; i < seen->frames->len; i++)
    {
      const Frame *f = &g_array_index (seen->frames, Frame, i);

      if (f->text == NULL || f->text[0] == '\0')
        continue;
      g_assert_false (g_str_has_suffix (f->text, ".."));
      if (g_str_has_prefix (f->title, name->str))
        {
          g_assert_true (g_str_has_suffix (f->text, "\u2026"));
          cut_id = g_strdup (f->id);
          n_cut++;
        }
    }
  g_assert_cmpuint (n_cut, ==, 1);
  seen_free (seen);

  /* zooming into the long frame re-labels it in the browser */
  g_assert_true (g_file_set_contents (path, svg->str, svg->len, &error));
  query = g_strdup_printf ("x=%s", cut_id);
  dom = chromium_dom (path, query);
  if (dom != NULL)
    {
      g_autofree char *needle = g_strdup_printf ("id=\"%s\"", cut_id);
      const char *t = strstr (dom, needle), *end;
      g_autofree char *label = NULL;

      g_assert_nonnull (t);
      t = strstr (t, "<text");
      g_assert_nonnull (t);
      t = strchr (t, '>') + 1;
      end = strstr (t, "</text>");
      g_assert_nonnull (end);
      label = g_strndup (t, end - t);
      g_test_message ("zoomed label: %s", label);
      g_assert_true (g_str_has_prefix (label, "demo_function_"));
      g_assert_true (g_str_has_suffix (label, "\u2026"));
    }
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/render/svg/frames-match-layout", test_frames_match_layout);
  g_test_add_func ("/render/svg/options", test_options);
  g_test_add_func ("/render/svg/differential", test_differential_titles);
  g_test_add_func ("/render/svg/cli", test_cli);
  g_test_add_func ("/render/svg/cli-title", test_cli_title);
  g_test_add_func ("/render/svg/chromium", test_chromium);
  g_test_add_func ("/render/svg/ellipsis", test_ellipsis);
  return g_test_run ();
}
