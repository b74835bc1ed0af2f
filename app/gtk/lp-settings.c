/* lp-settings.c: the application's GSettings, with a fallback to the schema's
 * defaults (compiled into the program's resources) when it is not installed.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include "lp-settings.h"

#define SCHEMA_RESOURCE "/io/github/laprof/Laprof/gschemas.compiled"

/* The schema compiled in the build tree that this program was built in:
 * build/app/gtk/laprof finds build/data/gschemas.compiled. NULL elsewhere. */
static GSettingsSchema *
lookup_build_tree (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *top = NULL;
  g_autofree char *private_dir = NULL;
  g_autofree char *schema_dir = NULL;
  g_autofree char *compiled = NULL;
  g_autoptr(GSettingsSchemaSource) source = NULL;

  if (exe == NULL)
    return NULL;
  dir = g_path_get_dirname (exe);
  if (!g_str_has_suffix (dir, "/app/gtk"))
    return NULL;
  top = g_build_filename (dir, "..", "..", NULL);
  private_dir = g_build_filename (top, "meson-private", NULL);
  schema_dir = g_build_filename (top, "data", NULL);
  compiled = g_build_filename (schema_dir, "gschemas.compiled", NULL);
  if (!g_file_test (private_dir, G_FILE_TEST_IS_DIR) || !g_file_test (compiled, G_FILE_TEST_IS_REGULAR))
    return NULL;
  source = g_settings_schema_source_new_from_directory (schema_dir, g_settings_schema_source_get_default (),
                                                        TRUE, NULL);
  return source != NULL ? g_settings_schema_source_lookup (source, APPLICATION_ID, FALSE) : NULL;
}

/* The schema compiled into the resources: written to a private temporary
 * folder (GSettings reads schemas from files only), read, and removed. */
static GSettingsSchema *
lookup_resource (GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GSettingsSchemaSource) source = NULL;
  GSettingsSchema *schema = NULL;

  bytes = g_resources_lookup_data (SCHEMA_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;
  dir = g_dir_make_tmp ("laprof-schema-XXXXXX", error);
  if (dir == NULL)
    return NULL;
  path = g_build_filename (dir, "gschemas.compiled", NULL);
  if (g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), error))
    {
      source = g_settings_schema_source_new_from_directory (dir, NULL, TRUE, error);
      if (source != NULL)
        schema = g_settings_schema_source_lookup (source, APPLICATION_ID, FALSE);
      else
        g_prefix_error (error, "%s: ", SCHEMA_RESOURCE);
    }
  /* the source keeps the file mapped: removing its name is safe */
  g_unlink (path);
  g_rmdir (dir);
  if (schema == NULL && error != NULL && *error == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s has no schema %s", SCHEMA_RESOURCE, APPLICATION_ID);
  return schema;
}

GSettings *
lp_settings_new (void)
{
  static GSettingsSchema *fallback;
  static GSettingsBackend *memory;
  GSettingsSchemaSource *installed = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GError) error = NULL;

  if (installed != NULL && (schema = g_settings_schema_source_lookup (installed, APPLICATION_ID, TRUE)) != NULL)
    return g_settings_new_full (schema, NULL, NULL);
  if ((schema = lookup_build_tree ()) != NULL)
    return g_settings_new_full (schema, NULL, NULL);

  if (fallback == NULL)
    {
      fallback = lookup_resource (&error);
      /* compiled into this program: only a full or unwritable temporary
       * folder gets here. Say so and stop, as there is nothing to run with. */
      if (fallback == NULL)
        {
          g_printerr (_("laprof: the settings schema %s is not installed, and the copy built into "
                        "laprof cannot be read: %s\n"), APPLICATION_ID, error->message);
          exit (EXIT_FAILURE);
        }
      memory = g_memory_settings_backend_new ();
      g_printerr (_("laprof: the settings schema %s is not installed, so settings are not kept after "
                    "laprof quits. Install laprof (meson install), or run it from the build tree "
                    "with “meson devenv -C build laprof”.\n"), APPLICATION_ID);
    }
  return g_settings_new_full (fallback, memory, NULL);
}
