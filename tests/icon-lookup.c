/* icon-lookup.c: icon-lookup NAME DIR: exits 0 if the display's icon theme
 * (as any desktop program sees it, from XDG_DATA_DIRS) has the icon NAME
 * and finds it under DIR; test-install.sh runs it against a fresh prefix.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <gtk/gtk.h>

int
main (int    argc,
      char **argv)
{
  GtkIconTheme *theme;
  g_autoptr(GtkIconPaintable) icon = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (argc != 3)
    {
      g_printerr ("usage: icon-lookup NAME DIR\n");
      return 2;
    }
  gtk_init ();
  theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  if (!gtk_icon_theme_has_icon (theme, argv[1]))
    {
      g_printerr ("icon-lookup: the icon theme has no %s\n", argv[1]);
      return 1;
    }
  icon = gtk_icon_theme_lookup_icon (theme, argv[1], NULL, 128, 1, GTK_TEXT_DIR_NONE, 0);
  file = gtk_icon_paintable_get_file (icon);
  path = file != NULL ? g_file_get_path (file) : NULL;
  g_print ("icon-lookup: %s is %s\n", argv[1], path != NULL ? path : "(not a file)");
  return path != NULL && g_str_has_prefix (path, argv[2]) ? 0 : 1;
}
