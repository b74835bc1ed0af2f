/* fuzz-demangle.c: libFuzzer target for the Rust demangler (lp-demangle-rust.c).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built with -Dfuzz=true and clang; seed it with Rust symbols, e.g.
 * `nm build/tests/rust-target-v0 | awk '{print $NF}' | grep ^_R`, one a file.
 * Besides "no crash, no leak", it checks what the header promises: a
 * result is valid UTF-8 within LP_DEMANGLE_RUST_MAX_OUTPUT, and a name the
 * short form demangles, the verbose one demangles too. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lp-demangle-rust.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* exactly the input's size plus its NUL, so that a read past the name
   * is caught */
  g_autofree char *name = g_malloc (size + 1);
  g_autofree char *shown = NULL;
  g_autofree char *verbose = NULL;

  memcpy (name, data, size);
  name[size] = '\0';
  shown = lp_demangle_rust (name, LP_DEMANGLE_RUST_DEFAULT);
  verbose = lp_demangle_rust (name, LP_DEMANGLE_RUST_VERBOSE);
  if (shown != NULL)
    {
      if (strlen (shown) > LP_DEMANGLE_RUST_MAX_OUTPUT || !g_utf8_validate (shown, -1, NULL))
        abort ();
      /* the long form can pass the output limit where the short does not */
      if (verbose == NULL && strlen (shown) < LP_DEMANGLE_RUST_MAX_OUTPUT / 4)
        abort ();
    }
  if (verbose != NULL &&
      (strlen (verbose) > LP_DEMANGLE_RUST_MAX_OUTPUT || !g_utf8_validate (verbose, -1, NULL)))
    abort ();
  return 0;
}
