/* lp-s3.c: a small S3 client over libcurl's SigV4: PUT, GET and ListObjectsV2, with retries.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <curl/curl.h>
#include <glib/gi18n.h>
#include <string.h>

#include "lp-s3.h"
#include "lp-storer.h"

#define MAX_DELAY_MS 20000

struct _LpS3Client
{
  LpAwsConfig *config;
  CURL        *curl;
  guint        max_attempts;
  guint        base_delay_ms;
  guint        stall_timeout_s;
  LpS3Stats    stats;
  gboolean   (*transfer_func) (guint64 done, guint64 total, gpointer user_data);
  gpointer     transfer_data;
};

static gpointer
global_init (gpointer data)
{
  curl_global_init (CURL_GLOBAL_DEFAULT);
  return NULL;
}

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *value = g_getenv (name);
  guint64 n;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT, &n, NULL))
    return fallback;
  return (guint) n;
}

LpS3Client *
lp_s3_client_new (const LpAwsConfig *config)
{
  static GOnce once = G_ONCE_INIT;
  LpS3Client *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_once (&once, global_init, NULL);

  self = g_new0 (LpS3Client, 1);
  self->config = lp_aws_config_copy (config);
  self->curl = curl_easy_init ();
  self->max_attempts = MAX (1, env_uint ("LAPROF_S3_MAX_ATTEMPTS", 4));
  self->base_delay_ms = env_uint ("LAPROF_S3_RETRY_DELAY_MS", 250);
  self->stall_timeout_s = MAX (1, env_uint ("LAPROF_S3_STALL_TIMEOUT_S", 30));
  return self;
}

void
lp_s3_client_free (LpS3Client *self)
{
  if (self == NULL)
    return;
  if (self->curl != NULL)
    curl_easy_cleanup (self->curl);
  lp_aws_config_free (self->config);
  g_free (self);
}

const LpAwsConfig *
lp_s3_client_get_config (LpS3Client *self)
{
  return self->config;
}

void
lp_s3_client_set_retry (LpS3Client *self,
                        guint       max_attempts,
                        guint       base_delay_ms)
{
  self->max_attempts = MAX (1, max_attempts);
  self->base_delay_ms = base_delay_ms;
}

void
lp_s3_client_get_stats (LpS3Client *self,
                        LpS3Stats  *stats)
{
  *stats = self->stats;
}

void
lp_s3_client_set_transfer_func (LpS3Client *self,
                                gboolean  (*func) (guint64 done, guint64 total, gpointer user_data),
                                gpointer    user_data)
{
  self->transfer_func = func;
  self->transfer_data = user_data;
}

static int
on_transfer (void       *user_data,
             curl_off_t  dltotal,
             curl_off_t  dlnow,
             curl_off_t  ultotal,
             curl_off_t  ulnow)
{
  LpS3Client *self = user_data;

  /* non-zero makes curl stop with CURLE_ABORTED_BY_CALLBACK */
  return self->transfer_func ((guint64) ulnow, (guint64) ultotal, self->transfer_data) ? 0 : 1;
}

char *
lp_s3_uri_encode (const char *s,
                  gboolean    keep_slash)
{
  static const char hex[] = "0123456789ABCDEF";
  GString *out = g_string_sized_new (strlen (s) + 8);

  for (const guchar *p = (const guchar *) s; *p != '\0'; p++)
    {
      guchar c = *p;

      if (g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~' ||
          (c == '/' && keep_slash))
        g_string_append_c (out, (char) c);
      else
        {
          g_string_append_c (out, '%');
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 15]);
        }
    }
  return g_string_free (out, FALSE);
}

typedef struct
{
  char *name;
  char *value;
} QueryPair;

static int
compare_pairs (gconstpointer a,
               gconstpointer b)
{
  const QueryPair *pa = a, *pb = b;
  int c = strcmp (pa->name, pb->name);

  return c != 0 ? c : strcmp (pa->value, pb->value);
}

char *
lp_s3_canonical_query (const char * const *pairs)
{
  g_autoptr(GArray) list = g_array_new (FALSE, FALSE, sizeof (QueryPair));
  GString *out = g_string_new (NULL);

  for (guint i = 0; pairs != NULL && pairs[i] != NULL; i += 2)
    {
      QueryPair pair;

      if (pairs[i + 1] == NULL)
        continue;
      pair.name = lp_s3_uri_encode (pairs[i], FALSE);
      pair.value = lp_s3_uri_encode (pairs[i + 1], FALSE);
      g_array_append_val (list, pair);
    }
  /* SigV4 sorts by the encoded names, byte by byte */
  g_array_sort (list, compare_pairs);
  for (guint i = 0; i < list->len; i++)
    {
      QueryPair *pair = &g_array_index (list, QueryPair, i);

      g_string_append_printf (out, "%s%s=%s", i > 0 ? "&" : "", pair->name, pair->value);
      g_free (pair->name);
      g_free (pair->value);
    }
  return g_string_free (out, FALSE);
}

char *
lp_s3_build_url (const LpAwsConfig *config,
                 const char        *bucket,
                 const char        *key,
                 const char        *query)
{
  g_autofree char *path = lp_s3_uri_encode (key != NULL ? key : "", TRUE);
  const char *q = (query != NULL && *query != '\0') ? "?" : "";

  if (query == NULL)
    query = "";
  if (config->endpoint_url != NULL)
    return g_strdup_printf ("%s/%s/%s%s%s", config->endpoint_url, bucket, path, q, query);
  if (strchr (bucket, '.') != NULL)
    return g_strdup_printf ("https://s3.%s.amazonaws.com/%s/%s%s%s", config->region, bucket, path, q, query);
  return g_strdup_printf ("https://%s.s3.%s.amazonaws.com/%s%s%s", bucket, config->region, path, q, query);
}

/* --- XML answers: just the texts of the elements asked for ----------------- */

static void
set_str (char       **ptr,
         const char  *value)
{
  g_free (*ptr);
  *ptr = g_strdup (value);
}

typedef struct
{
  GPtrArray  *stack;      /* element names */
  GString    *text;
  GPtrArray  *keys;       /* ListBucketResult/Contents/Key, when not NULL */
  char       *code;
  char       *message;
  char       *next_token;
  gboolean    truncated;
} XmlState;

static void
xml_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              user_data,
           GError              **error)
{
  XmlState *state = user_data;

  g_ptr_array_add (state->stack, g_strdup (element));
  g_string_truncate (state->text, 0);
}

static void
xml_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              user_data,
         GError              **error)
{
  XmlState *state = user_data;
  const char *parent = state->stack->len >= 2 ? state->stack->pdata[state->stack->len - 2] : "";

  if (g_str_equal (element, "Key") && g_str_equal (parent, "Contents") && state->keys != NULL)
    g_ptr_array_add (state->keys, g_strdup (state->text->str));
  else if (g_str_equal (element, "Code") && g_str_equal (parent, "Error"))
    set_str (&state->code, state->text->str);
  else if (g_str_equal (element, "Message") && g_str_equal (parent, "Error"))
    set_str (&state->message, state->text->str);
  else if (g_str_equal (element, "NextContinuationToken"))
    set_str (&state->next_token, state->text->str);
  else if (g_str_equal (element, "IsTruncated"))
    state->truncated = g_str_equal (state->text->str, "true");
  g_ptr_array_set_size (state->stack, state->stack->len - 1);
  g_string_truncate (state->text, 0);
}

static void
xml_text (GMarkupParseContext  *context,
          const char           *text,
          gsize                 len,
          gpointer              user_data,
          GError              **error)
{
  XmlState *state = user_data;

  g_string_append_len (state->text, text, len);
}

static gboolean
parse_xml (GByteArray  *body,
           XmlState    *state,
           GError     **error)
{
  static const GMarkupParser parser = { xml_start, xml_end, xml_text, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;

  state->stack = g_ptr_array_new_with_free_func (g_free);
  state->text = g_string_new (NULL);
  context = g_markup_parse_context_new (&parser, 0, state, NULL);
  return g_markup_parse_context_parse (context, (const char *) body->data, body->len, error) &&
         g_markup_parse_context_end_parse (context, error);
}

static void
xml_state_clear (XmlState *state)
{
  g_clear_pointer (&state->stack, g_ptr_array_unref);
  if (state->text != NULL)
    g_string_free (state->text, TRUE);
  state->text = NULL;
  g_clear_pointer (&state->code, g_free);
  g_clear_pointer (&state->message, g_free);
  g_clear_pointer (&state->next_token, g_free);
}

/* --- one request, with retries --------------------------------------------- */

typedef struct
{
  const char *data;
  gsize       len;
  gsize       pos;
} Upload;

static size_t
read_body (char   *buffer,
           size_t  size,
           size_t  nitems,
           void   *user_data)
{
  Upload *up = user_data;
  gsize n = MIN (size * nitems, up->len - up->pos);

  memcpy (buffer, up->data + up->pos, n);
  up->pos += n;
  return n;
}

static size_t
write_body (char   *data,
            size_t  size,
            size_t  nmemb,
            void   *user_data)
{
  g_byte_array_append (user_data, (const guint8 *) data, size * nmemb);
  return size * nmemb;
}

static gboolean
curl_code_is_transient (CURLcode code)
{
  switch (code)
    {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
status_is_transient (long status)
{
  return status >= 500 || status == 429 || status == 408;
}

static const char *
hint_for (const char *code,
          long        status,
          const char *method)
{
  if (g_strcmp0 (code, "RequestTimeTooSkewed") == 0)
    return _("check this computer's clock");
  if (g_strcmp0 (code, "SignatureDoesNotMatch") == 0)
    return _("check the secret access key");
  if (g_strcmp0 (code, "InvalidAccessKeyId") == 0)
    return _("check the access key id");
  if (g_strcmp0 (code, "ExpiredToken") == 0 || g_strcmp0 (code, "InvalidToken") == 0)
    return _("the session token (AWS_SESSION_TOKEN) is expired or wrong");
  if (g_strcmp0 (code, "NoSuchBucket") == 0)
    return _("check the bucket name; the bucket must exist");
  if (g_strcmp0 (code, "AccessDenied") == 0 || status == 403)
    return g_str_equal (method, "PUT") ? _("check that these credentials may write to this bucket")
                                       : _("check that these credentials may read this bucket");
  if (g_strcmp0 (code, "AuthorizationHeaderMalformed") == 0 ||
      g_strcmp0 (code, "PermanentRedirect") == 0)
    return _("check the region (AWS_REGION)");
  return NULL;
}

static void
set_http_error (LpS3Client  *self,
                GError     **error,
                const char  *method,
                const char  *bucket,
                const char  *key,
                long         status,
                GByteArray  *body,
                guint        attempts)
{
  XmlState xml = { 0 };
  g_autoptr(GError) ignored = NULL;
  LpStorerError code;
  const char *hint;
  g_autofree char *what = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *tries = NULL;

  if (body->len > 0)
    parse_xml (body, &xml, &ignored);
  if (status == 401 || status == 403)
    code = LP_STORER_ERROR_DENIED;
  else if (status == 404)
    code = LP_STORER_ERROR_NOT_FOUND;
  else if (status_is_transient (status))
    code = LP_STORER_ERROR_TRANSIENT;
  else
    code = LP_STORER_ERROR_PROTOCOL;

  hint = hint_for (xml.code, status, method);
  /* "…signing method." + "; hint": one sentence, not ".;" */
  if (xml.message != NULL)
    {
      gsize n = strlen (xml.message);

      while (n > 0 && (xml.message[n - 1] == '.' || g_ascii_isspace (xml.message[n - 1])))
        xml.message[--n] = '\0';
    }
  what = g_strdup_printf ("s3://%s/%s", bucket, key != NULL ? key : "");
  detail = g_strdup_printf ("%s%s%s", xml.code != NULL ? xml.code : "",
                            xml.code != NULL && xml.message != NULL ? ": " : "",
                            xml.message != NULL ? xml.message : "");
  tries = attempts > 1 ? g_strdup_printf (_(" after %u attempts"), attempts) : g_strdup ("");
  g_set_error (error, LP_STORER_ERROR, code,
               _("%s %s failed with HTTP %ld%s%s%s%s%s (credentials from %s)"),
               method, what, status, tries,
               *detail != '\0' ? ": " : "", detail,
               hint != NULL ? "; " : "", hint != NULL ? hint : "",
               self->config->source);
  xml_state_clear (&xml);
}

/* prepare_transfer: set the handle up for one attempt of METHOD on URL,
 * signed with SigV4; returns the header list, which the caller frees after
 * the transfer (TOKEN_HEADER, the session token's header, is kept for the
 * caller to wipe) */
static struct curl_slist *
prepare_transfer (LpS3Client  *self,
                  const char  *method,
                  const char  *url,
                  const char  *sigv4,
                  const char  *hash_header,
                  char       **token_header,
                  gboolean     has_body,
                  Upload      *up,
                  GByteArray  *answer,
                  char        *errbuf)
{
  struct curl_slist *headers = NULL;

  curl_easy_reset (self->curl);
  curl_easy_setopt (self->curl, CURLOPT_URL, url);
  curl_easy_setopt (self->curl, CURLOPT_AWS_SIGV4, sigv4);
  curl_easy_setopt (self->curl, CURLOPT_USERNAME, self->config->access_key_id);
  curl_easy_setopt (self->curl, CURLOPT_PASSWORD, self->config->secret_access_key);
  curl_easy_setopt (self->curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt (self->curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (self->curl, CURLOPT_CONNECTTIMEOUT, 10L);
  /* a stalled transfer (under 1 byte/s for 30 s) is a timeout, not a hang */
  curl_easy_setopt (self->curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (self->curl, CURLOPT_LOW_SPEED_TIME, (long) self->stall_timeout_s);
  curl_easy_setopt (self->curl, CURLOPT_USERAGENT, "laprof/" PACKAGE_VERSION);
  curl_easy_setopt (self->curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt (self->curl, CURLOPT_WRITEDATA, answer);
  curl_easy_setopt (self->curl, CURLOPT_PROTOCOLS_STR, "http,https");
  /* a key is a name, not a path: "a/../b" must reach S3 as it is */
  curl_easy_setopt (self->curl, CURLOPT_PATH_AS_IS, 1L);

  headers = curl_slist_append (headers, hash_header);
  if (self->config->session_token != NULL)
    {
      *token_header = g_strconcat ("x-amz-security-token: ", self->config->session_token, NULL);
      headers = curl_slist_append (headers, *token_header);
    }
  if (g_str_equal (method, "PUT"))
    {
      headers = curl_slist_append (headers, "Content-Type: text/plain");
      curl_easy_setopt (self->curl, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt (self->curl, CURLOPT_READFUNCTION, read_body);
      curl_easy_setopt (self->curl, CURLOPT_READDATA, up);
      curl_easy_setopt (self->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t) up->len);
    }
  curl_easy_setopt (self->curl, CURLOPT_HTTPHEADER, headers);
  if (self->transfer_func != NULL && has_body)
    {
      curl_easy_setopt (self->curl, CURLOPT_XFERINFOFUNCTION, on_transfer);
      curl_easy_setopt (self->curl, CURLOPT_XFERINFODATA, self);
      curl_easy_setopt (self->curl, CURLOPT_NOPROGRESS, 0L);
    }

  return headers;
}

/* back_off: wait before attempt ATTEMPT + 1, exponentially longer with
 * "equal jitter" (half fixed, half random); FALSE when the transfer
 * callback cancels the upload of LEN bytes meanwhile */
static gboolean
back_off (LpS3Client *self,
          guint       attempt,
          gsize       len,
          gboolean    has_body)
{
  guint64 delay = (guint64) self->base_delay_ms << MIN (attempt - 1, 16u);

  delay = MIN (delay, MAX_DELAY_MS);
  delay = delay / 2 + (delay > 1 ? g_random_int_range (0, (gint32) (delay / 2) + 1) : 0);
  self->stats.retries++;
  g_usleep (delay * 1000);
  return !(self->transfer_func != NULL && has_body && !self->transfer_func (0, len, self->transfer_data));
}

/* request: one S3 call; retried while it fails transiently. On success
 * returns the body of the 2xx answer (you own it). */
static GByteArray *
request (LpS3Client  *self,
         const char  *method,
         const char  *bucket,
         const char  *key,
         const char  *query,
         GBytes      *body,
         GError     **error)
{
  g_autofree char *url = lp_s3_build_url (self->config, bucket, key, query);
  g_autofree char *sigv4 = g_strdup_printf ("aws:amz:%s:s3", self->config->region);
  g_autofree char *payload_hash = NULL;
  const char *data = NULL;
  gsize len = 0;

  if (body != NULL)
    data = g_bytes_get_data (body, &len);
  /* curl 7.88 hashes no streamed body: the payload hash is ours to send */
  payload_hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) (data != NULL ? data : ""), len);

  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(GByteArray) answer = g_byte_array_new ();
      struct curl_slist *headers = NULL;
      char errbuf[CURL_ERROR_SIZE] = "";
      g_autofree char *hash_header = g_strconcat ("x-amz-content-sha256: ", payload_hash, NULL);
      g_autofree char *token_header = NULL;
      Upload up = { data, len, 0 };
      long status = 0;
      CURLcode rc;
      gboolean transient;

      headers = prepare_transfer (self, method, url, sigv4, hash_header, &token_header,
                                  body != NULL, &up, answer, errbuf);
      self->stats.requests++;
      rc = curl_easy_perform (self->curl);
      /* the handle outlives errbuf and the header list */
      curl_easy_setopt (self->curl, CURLOPT_ERRORBUFFER, NULL);
      curl_easy_setopt (self->curl, CURLOPT_HTTPHEADER, NULL);
      curl_slist_free_all (headers);
      if (token_header != NULL)
        memset (token_header, 0, strlen (token_header));
      if (rc == CURLE_OK)
        curl_easy_getinfo (self->curl, CURLINFO_RESPONSE_CODE, &status);

      if (rc == CURLE_OK && status >= 200 && status < 300)
        return g_steal_pointer (&answer);

      if (rc == CURLE_ABORTED_BY_CALLBACK)
        break;

      transient = rc != CURLE_OK ? curl_code_is_transient (rc) : status_is_transient (status);
      if (!transient || attempt >= self->max_attempts)
        {
          self->stats.failures++;
          if (rc != CURLE_OK)
            g_set_error (error, LP_STORER_ERROR,
                         transient ? LP_STORER_ERROR_TRANSIENT : LP_STORER_ERROR_PROTOCOL,
                         _("%s s3://%s/%s failed after %u attempts: could not reach %s: %s"),
                         method, bucket, key != NULL ? key : "", attempt,
                         self->config->endpoint_url != NULL ? self->config->endpoint_url : _("AWS S3"),
                         *errbuf != '\0' ? errbuf : curl_easy_strerror (rc));
          else
            set_http_error (self, error, method, bucket, key, status, answer, attempt);
          return NULL;
        }

      if (!back_off (self, attempt, len, body != NULL))
        break;
    }

  g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_CANCELLED,
               _("%s s3://%s/%s was cancelled"), method, bucket, key != NULL ? key : "");
  return NULL;
}

gboolean
lp_s3_put_object (LpS3Client  *self,
                  const char  *bucket,
                  const char  *key,
                  GBytes      *body,
                  GError     **error)
{
  g_autoptr(GByteArray) answer = NULL;

  g_return_val_if_fail (self != NULL && bucket != NULL && key != NULL && body != NULL, FALSE);
  answer = request (self, "PUT", bucket, key, NULL, body, error);
  return answer != NULL;
}

GBytes *
lp_s3_get_object (LpS3Client  *self,
                  const char  *bucket,
                  const char  *key,
                  GError     **error)
{
  GByteArray *answer;

  g_return_val_if_fail (self != NULL && bucket != NULL && key != NULL, NULL);
  answer = request (self, "GET", bucket, key, NULL, NULL, error);
  if (answer == NULL)
    return NULL;
  return g_byte_array_free_to_bytes (answer);
}

GPtrArray *
lp_s3_list_objects (LpS3Client   *self,
                    const char   *bucket,
                    const char   *prefix,
                    void        (*progress) (guint done, guint total, gpointer user_data),
                    gpointer      user_data,
                    GError      **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *token = NULL;
  const char *page_size = g_getenv ("LAPROF_S3_LIST_PAGE_SIZE");

  g_return_val_if_fail (self != NULL && bucket != NULL, NULL);

  for (guint page = 0; ; page++)
    {
      const char *pairs[] = {
        "list-type", "2",
        "prefix", (prefix != NULL && *prefix != '\0') ? prefix : NULL,
        "continuation-token", token,
        "max-keys", page_size,
        NULL,
      };
      g_autofree char *query = lp_s3_canonical_query (pairs);
      g_autoptr(GByteArray) answer = NULL;
      g_autoptr(GError) local_error = NULL;
      XmlState xml = { 0 };
      guint before = keys->len;

      answer = request (self, "GET", bucket, NULL, query, NULL, error);
      if (answer == NULL)
        return NULL;
      xml.keys = keys;
      if (!parse_xml (answer, &xml, &local_error))
        {
          g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_PROTOCOL,
                       _("The listing of s3://%s/%s is not valid XML: %s"),
                       bucket, prefix != NULL ? prefix : "", local_error->message);
          xml_state_clear (&xml);
          return NULL;
        }
      if (progress != NULL)
        progress (keys->len, 0, user_data);
      g_clear_pointer (&token, g_free);
      if (xml.truncated)
        {
          if (xml.next_token == NULL || *xml.next_token == '\0' || keys->len == before)
            {
              g_set_error (error, LP_STORER_ERROR, LP_STORER_ERROR_PROTOCOL,
                           _("The listing of s3://%s/%s is truncated but gives no way on"),
                           bucket, prefix != NULL ? prefix : "");
              xml_state_clear (&xml);
              return NULL;
            }
          token = g_steal_pointer (&xml.next_token);
        }
      xml_state_clear (&xml);
      if (token == NULL)
        break;
    }
  return g_steal_pointer (&keys);
}
