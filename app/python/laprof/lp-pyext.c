/* lp-pyext.c: laprof._laprof, the C extension of the Python package: liblaprof (laprof.h) for Python.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A thin layer: a Profiler type that owns a laprof_profiler, and the
 * module functions disabled() and store(). The Python surface users meet
 * (pylaprof's: samplers, storers, the decorator) is laprof/__init__.py.
 * The GIL is released around everything that may take time or wait for
 * the library's thread (start, stop, store, free), so the profiled
 * program's other threads keep running, and the library's sampler thread,
 * which never takes the GIL, is never waited for with it held.
 *
 * Errors raise laprof._laprof.Error with the library's message (which says
 * what to do); __init__.py turns them into log records, never into
 * exceptions in the profiled code. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "laprof.h"

static PyObject *laprof_error;  /* laprof._laprof.Error */

typedef struct
{
  PyObject_HEAD
  laprof_profiler *profiler;
  int              busy;  /* a start or stop runs without the GIL */
} LpPyProfiler;

/* raises Error with @message (a library string, freed here) */
static PyObject *
raise_message (char       *message,
               const char *fallback)
{
  PyErr_SetString (laprof_error, message != NULL ? message : fallback);
  laprof_free (message);
  return NULL;
}

static int
profiler_init (LpPyProfiler *self,
               PyObject     *args,
               PyObject     *kwargs)
{
  static char *keywords[] = { "period", "mode", "min_time", "idle", "single", "python",
                              "lines", "destination", "command", "stack_size", NULL };
  laprof_options options;
  const char *mode = "wall";
  int idle = 1, single = 0, python = 1, lines = 0;
  Py_ssize_t stack_size = 0;
  char *error = NULL;
  laprof_profiler *profiler;

  laprof_options_init (&options);
  if (!PyArg_ParseTupleAndKeywords (args, kwargs, "|dsdppppzzn:Profiler", keywords,
                                    &options.period, &mode, &options.min_time, &idle,
                                    &single, &python, &lines, &options.destination,
                                    &options.command, &stack_size))
    return -1;
  if (strcmp (mode, "wall") == 0)
    options.mode = LAPROF_MODE_WALL;
  else if (strcmp (mode, "cpu") == 0)
    options.mode = LAPROF_MODE_CPU;
  else
    {
      PyErr_Format (PyExc_ValueError, "mode must be \"wall\" or \"cpu\", not \"%s\"", mode);
      return -1;
    }
  if (!(options.period > 0))
    {
      PyErr_SetString (PyExc_ValueError, "period must be a number of seconds greater than 0");
      return -1;
    }
  if (options.min_time < 0)
    {
      PyErr_SetString (PyExc_ValueError, "min_time must be 0 or more seconds");
      return -1;
    }
  if (stack_size < 0)
    {
      PyErr_SetString (PyExc_ValueError, "stack_size must be 0 (the default) or more bytes");
      return -1;
    }
  options.idle = idle;
  options.single = single;
  options.python = python;
  options.lines = lines;
  options.stack_size = (size_t) stack_size;

  if (self->busy)
    {
      PyErr_SetString (laprof_error, "the profiler is starting or stopping in another thread");
      return -1;
    }
  /* the library copies what it keeps of @options: the strings may go */
  profiler = laprof_profiler_new (&options, &error);
  if (profiler == NULL)
    {
      raise_message (error, "the profiler could not be created");
      return -1;
    }
  if (self->profiler != NULL)
    {
      laprof_profiler *old = self->profiler;

      self->profiler = NULL;
      Py_BEGIN_ALLOW_THREADS
      laprof_profiler_free (old);
      Py_END_ALLOW_THREADS
    }
  self->profiler = profiler;
  return 0;
}

static void
profiler_dealloc (LpPyProfiler *self)
{
  laprof_profiler *profiler = self->profiler;

  self->profiler = NULL;
  if (profiler != NULL)
    {
      /* a running profiler stops (and stores) here: not with the GIL held */
      Py_BEGIN_ALLOW_THREADS
      laprof_profiler_free (profiler);
      Py_END_ALLOW_THREADS
    }
  Py_TYPE (self)->tp_free ((PyObject *) self);
}

/* the profiler, or NULL with an exception set */
static laprof_profiler *
profiler_get (LpPyProfiler *self)
{
  if (self->profiler == NULL)
    {
      PyErr_SetString (laprof_error, "the profiler is closed");
      return NULL;
    }
  if (self->busy)
    {
      PyErr_SetString (laprof_error, "the profiler is starting or stopping in another thread");
      return NULL;
    }
  return self->profiler;
}

typedef int (*RunFunc) (laprof_profiler *profiler, char **error);

/* start or stop, without the GIL */
static PyObject *
profiler_run (LpPyProfiler *self,
              RunFunc       func,
              const char   *what)
{
  laprof_profiler *profiler = profiler_get (self);
  char *error = NULL;
  int rc;

  if (profiler == NULL)
    return NULL;
  self->busy = 1;
  Py_BEGIN_ALLOW_THREADS
  rc = func (profiler, &error);
  Py_END_ALLOW_THREADS
  self->busy = 0;
  if (rc != 0)
    return raise_message (error, what);
  Py_RETURN_NONE;
}

static PyObject *
profiler_start (LpPyProfiler *self,
                PyObject     *unused)
{
  return profiler_run (self, laprof_start, "the profiler could not start");
}

static PyObject *
profiler_stop (LpPyProfiler *self,
               PyObject     *unused)
{
  return profiler_run (self, laprof_stop, "the report could not be stored");
}

static PyObject *
profiler_report (LpPyProfiler *self,
                 PyObject     *unused)
{
  laprof_profiler *profiler = profiler_get (self);
  size_t len = 0;
  char *report;
  PyObject *bytes;

  if (profiler == NULL)
    return NULL;
  report = laprof_report (profiler, &len);
  if (report == NULL)
    Py_RETURN_NONE;
  bytes = PyBytes_FromStringAndSize (report, (Py_ssize_t) len);
  laprof_free (report);
  return bytes;
}

static PyObject *
profiler_location (LpPyProfiler *self,
                   PyObject     *unused)
{
  laprof_profiler *profiler = profiler_get (self);
  const char *location;

  if (profiler == NULL)
    return NULL;
  location = laprof_location (profiler);
  if (location == NULL)
    Py_RETURN_NONE;
  return PyUnicode_DecodeFSDefault (location);
}

/* adds @key: @value to @dict, stealing @value; FALSE on failure */
static int
dict_add (PyObject   *dict,
          const char *key,
          PyObject   *value)
{
  int rc = value != NULL ? PyDict_SetItemString (dict, key, value) : -1;

  Py_XDECREF (value);
  return rc == 0;
}

static PyObject *
profiler_stats (LpPyProfiler *self,
                PyObject     *unused)
{
  laprof_profiler *profiler = profiler_get (self);
  laprof_stats s;
  PyObject *dict;

  if (profiler == NULL)
    return NULL;
  memset (&s, 0, sizeof s);
  laprof_get_stats (profiler, &s);
  dict = PyDict_New ();
  if (dict == NULL)
    return NULL;
  if (!dict_add (dict, "duration", PyFloat_FromDouble (s.duration)) ||
      !dict_add (dict, "samples", PyLong_FromUnsignedLongLong (s.samples)) ||
      !dict_add (dict, "idle_samples", PyLong_FromUnsignedLongLong (s.idle_samples)) ||
      !dict_add (dict, "lost", PyLong_FromUnsignedLongLong (s.lost)) ||
      !dict_add (dict, "python_samples", PyLong_FromUnsignedLongLong (s.python_samples)) ||
      !dict_add (dict, "threads", PyLong_FromUnsignedLong (s.threads)) ||
      !dict_add (dict, "stored", PyBool_FromLong (s.stored)) ||
      !dict_add (dict, "spooled", PyBool_FromLong (s.spooled)) ||
      !dict_add (dict, "too_short", PyBool_FromLong (s.too_short)) ||
      !dict_add (dict, "disabled", PyBool_FromLong (s.disabled)) ||
      !dict_add (dict, "sampler_cpu", PyFloat_FromDouble (s.sampler_cpu)) ||
      !dict_add (dict, "per_sample_us", PyFloat_FromDouble (s.per_sample_us)))
    {
      Py_DECREF (dict);
      return NULL;
    }
  return dict;
}

static PyObject *
profiler_close (LpPyProfiler *self,
                PyObject     *unused)
{
  laprof_profiler *profiler = self->profiler;

  if (self->busy)
    {
      PyErr_SetString (laprof_error, "the profiler is starting or stopping in another thread");
      return NULL;
    }
  self->profiler = NULL;
  if (profiler != NULL)
    {
      Py_BEGIN_ALLOW_THREADS
      laprof_profiler_free (profiler);
      Py_END_ALLOW_THREADS
    }
  Py_RETURN_NONE;
}

static PyMethodDef profiler_methods[] = {
  { "start", (PyCFunction) profiler_start, METH_NOARGS,
    "start()\n--\n\nStarts sampling. Raises Error when it cannot (already started)." },
  { "stop", (PyCFunction) profiler_stop, METH_NOARGS,
    "stop()\n--\n\nStops sampling and stores the report at the destination, if any.\n"
    "Raises Error when it could not be stored (an S3 report is then in the spool)." },
  { "report", (PyCFunction) profiler_report, METH_NOARGS,
    "report()\n--\n\nThe last run's folded report (bytes), or None (never stopped, disabled)." },
  { "location", (PyCFunction) profiler_location, METH_NOARGS,
    "location()\n--\n\nWhere the last report was stored, or None." },
  { "stats", (PyCFunction) profiler_stats, METH_NOARGS,
    "stats()\n--\n\nThe figures of the last stopped run (laprof_get_stats) as a dict." },
  { "close", (PyCFunction) profiler_close, METH_NOARGS,
    "close()\n--\n\nStops the profiler if it runs (storing as stop() does) and frees it." },
  { NULL }
};

static PyTypeObject profiler_type = {
  PyVarObject_HEAD_INIT (NULL, 0)
  .tp_name = "laprof._laprof.Profiler",
  .tp_doc = PyDoc_STR ("Profiler(period=0.01, mode='wall', min_time=0.0, idle=True, single=False,\n"
                       "         python=True, lines=False, destination=None, command=None, stack_size=0)\n"
                       "--\n\n"
                       "liblaprof's profiler (laprof.h): samples the threads of this process\n"
                       "with no ptrace and no perf events; Python frames are read from the\n"
                       "interpreter's memory by the library's own thread, without the GIL."),
  .tp_basicsize = sizeof (LpPyProfiler),
  .tp_flags = Py_TPFLAGS_DEFAULT,
  .tp_new = PyType_GenericNew,
  .tp_init = (initproc) profiler_init,
  .tp_dealloc = (destructor) profiler_dealloc,
  .tp_methods = profiler_methods,
};

static PyObject *
module_disabled (PyObject *module,
                 PyObject *unused)
{
  return PyBool_FromLong (laprof_disabled ());
}

static PyObject *
module_store (PyObject *module,
              PyObject *args)
{
  const char *location;
  Py_buffer data;
  char *error = NULL;
  int rc;

  if (!PyArg_ParseTuple (args, "sy*:store", &location, &data))
    return NULL;
  Py_BEGIN_ALLOW_THREADS
  rc = laprof_store (location, data.buf, (size_t) data.len, &error);
  Py_END_ALLOW_THREADS
  PyBuffer_Release (&data);
  if (rc != 0)
    return raise_message (error, "the report could not be stored");
  Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
  { "disabled", module_disabled, METH_NOARGS,
    "disabled()\n--\n\nWhether LAPROF_DISABLE turns every start into a no-op." },
  { "store", module_store, METH_VARARGS,
    "store(location, data)\n--\n\nStores the bytes @data at @location, a file path or\n"
    "\"s3://bucket/key\", as laprof's storers do. Raises Error when it cannot\n"
    "(a failed S3 upload is then in the spool: the message says where)." },
  { NULL }
};

static struct PyModuleDef module_def = {
  PyModuleDef_HEAD_INIT,
  .m_name = "laprof._laprof",
  .m_doc = "liblaprof, laprof's in-process sampler, for the laprof package.",
  .m_size = -1,
  .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__laprof (void);

PyMODINIT_FUNC
PyInit__laprof (void)
{
  PyObject *module = PyModule_Create (&module_def);

  if (module == NULL)
    return NULL;
  if (PyType_Ready (&profiler_type) < 0)
    goto fail;
  laprof_error = PyErr_NewExceptionWithDoc ("laprof._laprof.Error",
                                            "An error of liblaprof; the message says what to do.",
                                            PyExc_RuntimeError, NULL);
  if (laprof_error == NULL)
    goto fail;
  Py_INCREF (laprof_error);
  if (PyModule_AddObject (module, "Error", laprof_error) < 0)
    {
      Py_DECREF (laprof_error);
      goto fail;
    }
  Py_INCREF (&profiler_type);
  if (PyModule_AddObject (module, "Profiler", (PyObject *) &profiler_type) < 0)
    {
      Py_DECREF (&profiler_type);
      goto fail;
    }
  return module;

fail:
  Py_DECREF (module);
  return NULL;
}
