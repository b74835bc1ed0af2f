/* lp-process-row.c: one process as a GObject with notifying properties.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "lp-process-row.h"

struct _LpProcessRow
{
  GObject  parent_instance;
  int      pid;
  char    *name;
  char    *cmdline;
  char    *user;
  char    *why_not;
  double   cpu;
  guint    threads;
  gboolean is_own;
};

G_DEFINE_FINAL_TYPE (LpProcessRow, lp_process_row, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PID,
  PROP_NAME,
  PROP_CMDLINE,
  PROP_USER,
  PROP_CPU,
  PROP_THREADS,
  PROP_WHY_NOT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
lp_process_row_finalize (GObject *object)
{
  LpProcessRow *self = LP_PROCESS_ROW (object);

  g_free (self->name);
  g_free (self->cmdline);
  g_free (self->user);
  g_free (self->why_not);
  G_OBJECT_CLASS (lp_process_row_parent_class)->finalize (object);
}

static void
lp_process_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LpProcessRow *self = LP_PROCESS_ROW (object);

  switch (prop_id)
    {
    case PROP_PID:
      g_value_set_int (value, self->pid);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_CMDLINE:
      g_value_set_string (value, self->cmdline);
      break;
    case PROP_USER:
      g_value_set_string (value, self->user);
      break;
    case PROP_CPU:
      g_value_set_double (value, self->cpu);
      break;
    case PROP_THREADS:
      g_value_set_uint (value, self->threads);
      break;
    case PROP_WHY_NOT:
      g_value_set_string (value, self->why_not);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lp_process_row_class_init (LpProcessRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = lp_process_row_finalize;
  object_class->get_property = lp_process_row_get_property;

  properties[PROP_PID] = g_param_spec_int ("pid", NULL, NULL, 0, G_MAXINT, 0,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CMDLINE] = g_param_spec_string ("cmdline", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER] = g_param_spec_string ("user", NULL, NULL, NULL,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CPU] = g_param_spec_double ("cpu", NULL, NULL, 0, G_MAXDOUBLE, 0,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_THREADS] = g_param_spec_uint ("threads", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_WHY_NOT] = g_param_spec_string ("why-not", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
lp_process_row_init (LpProcessRow *self)
{
}

LpProcessRow *
lp_process_row_new (const LpProcessInfo *info)
{
  LpProcessRow *self = g_object_new (LP_TYPE_PROCESS_ROW, NULL);

  self->pid = info->pid;
  self->name = g_strdup (info->name);
  self->cmdline = g_strdup (info->cmdline);
  self->user = g_strdup (info->user);
  self->why_not = g_strdup (info->why_not);
  self->cpu = info->cpu_percent;
  self->threads = info->n_threads;
  self->is_own = info->is_own;
  return self;
}

static void
set_string (LpProcessRow  *self,
            char         **field,
            const char    *value,
            guint          prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

void
lp_process_row_update (LpProcessRow        *self,
                       const LpProcessInfo *info)
{
  g_return_if_fail (LP_IS_PROCESS_ROW (self));
  g_return_if_fail (info->pid == self->pid);

  set_string (self, &self->name, info->name, PROP_NAME);
  set_string (self, &self->cmdline, info->cmdline, PROP_CMDLINE);
  set_string (self, &self->user, info->user, PROP_USER);
  set_string (self, &self->why_not, info->why_not, PROP_WHY_NOT);
  if (self->cpu != info->cpu_percent)
    {
      self->cpu = info->cpu_percent;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CPU]);
    }
  if (self->threads != info->n_threads)
    {
      self->threads = info->n_threads;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THREADS]);
    }
  self->is_own = info->is_own;
}

int
lp_process_row_get_pid (LpProcessRow *self)
{
  return self->pid;
}

const char *
lp_process_row_get_name (LpProcessRow *self)
{
  return self->name;
}

const char *
lp_process_row_get_cmdline (LpProcessRow *self)
{
  return self->cmdline;
}

const char *
lp_process_row_get_user (LpProcessRow *self)
{
  return self->user;
}

double
lp_process_row_get_cpu (LpProcessRow *self)
{
  return self->cpu;
}

guint
lp_process_row_get_threads (LpProcessRow *self)
{
  return self->threads;
}

gboolean
lp_process_row_get_is_own (LpProcessRow *self)
{
  return self->is_own;
}

const char *
lp_process_row_get_why_not (LpProcessRow *self)
{
  return self->why_not;
}
