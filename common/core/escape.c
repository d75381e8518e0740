/*
 * Escaping of text that may carry what a user or a pin tree put in it:
 * one failure must stay one line, and nothing may drive the terminal or
 * forge a log line.  As ip(8) and systemd do, bytes are written as \xNN.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/report.h"

/*
 * The length of the well-formed UTF-8 sequence at s (at most n bytes
 * there), or 0 if there is none: a stray continuation byte, an overlong
 * form, a surrogate, a code point past U+10FFFF or a cut-off sequence.
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* C0, DEL and C1 (U+0080..U+009F: 0x9b is CSI to a UTF-8 terminal). */
static bool is_control(const unsigned char *s, size_t len)
{
	if (len == 1)
		return s[0] < 0x20 || s[0] == 0x7f;
	return len == 2 && s[0] == 0xc2 && s[1] < 0xa0;
}

size_t xw_escape(const char *in, size_t len, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, n = 0, k, seq;

	while (i < len && n + 5 <= size) {
		seq = utf8_len(s + i, len - i);
		if (seq && !is_control(s + i, seq)) {
			memcpy(out + n, s + i, seq);
			n += seq;
			i += seq;
			continue;
		}
		/* The whole of a C1 character, else the one bad byte. */
		seq = seq ?: 1;
		if (n + 4 * seq + 1 > size)
			break;
		for (k = 0; k < seq; k++)
			n += (size_t)snprintf(out + n, size - n, "\\x%02x",
					      s[i + k]);
		i += seq;
	}
	out[n] = '\0';
	return n;
}

char *xw_json_valid_utf8(const char *json)
{
	const unsigned char *s = (const unsigned char *)json;
	size_t len = strlen(json), i = 0, n = 0, seq;
	char *out = malloc(len * 6 + 1);

	if (!out)
		return NULL;
	while (i < len) {
		seq = utf8_len(s + i, len - i);
		if (seq) {
			memcpy(out + n, s + i, seq);
			n += seq;
			i += seq;
			continue;
		}
		/* Inside a JSON string: an escaped backslash, then xNN. */
		n += (size_t)sprintf(out + n, "\\\\x%02x", s[i++]);
	}
	out[n] = '\0';
	return out;
}
