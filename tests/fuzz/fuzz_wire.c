/*
 * fuzz_wire.c - libFuzzer target for crm-authd's frame decoders and its
 * broker_allow parser: what a process on the other end of the socket, or
 * an administrator's typo, can hand the daemon and the modules.
 *
 * The first byte chooses: a request payload (what the daemon decodes
 * from any local process), a reply payload (what a module decodes), or a
 * broker_allow value.  Besides not crashing, whatever decodes must encode
 * again and decode to the same thing, so that encoder and decoder agree
 * on every field.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "broker/serve.h"
#include "broker/wire.h"

static void
request_round_trip(const uint8_t *data, size_t size)
{
	static struct crm_wire_request a, b;
	struct crm_wire_buf frame;
	char err[128];
	size_t len;

	if (crm_wire_decode_request(data, size, &a, err, sizeof(err)) !=
	    CRM_OK)
		return;
	if (crm_wire_encode_request(&a, &frame) != CRM_OK)
		abort();
	if (crm_wire_header(frame.data, CRM_WIRE_REQUEST, &len) != CRM_OK ||
	    len != frame.len - CRM_WIRE_HEADER ||
	    crm_wire_decode_request(frame.data + CRM_WIRE_HEADER, len, &b, err,
				    sizeof(err)) != CRM_OK ||
	    memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	crm_wire_buf_free(&frame);
}

static void
reply_round_trip(const uint8_t *data, size_t size)
{
	static struct crm_wire_reply a, b;
	struct crm_wire_buf frame;
	char err[128];
	size_t len;

	if (crm_wire_decode_reply(data, size, &a, err, sizeof(err)) != CRM_OK)
		return;
	if (crm_wire_encode_reply(&a, &frame) != CRM_OK)
		abort();
	if (crm_wire_header(frame.data, CRM_WIRE_REPLY, &len) != CRM_OK ||
	    crm_wire_decode_reply(frame.data + CRM_WIRE_HEADER, len, &b, err,
				  sizeof(err)) != CRM_OK)
		abort();
	/* event points into each struct itself. */
	a.out.event = b.out.event = NULL;
	if (memcmp(&a, &b, sizeof(a)) != 0)
		abort();
	crm_wire_buf_free(&frame);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct crm_allow allow;
	char text[512], err[256];

	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		request_round_trip(data + 1, size - 1);
		break;
	case 1:
		reply_round_trip(data + 1, size - 1);
		break;
	case 2:
		if (size - 1 >= sizeof(text))
			return 0;
		memcpy(text, data + 1, size - 1);
		text[size - 1] = '\0';
		if (crm_allow_parse(text, &allow, err, sizeof(err)) == CRM_OK &&
		    allow.count > CRM_ALLOW_ENTRIES)
			abort();
		break;
	}
	return 0;
}
