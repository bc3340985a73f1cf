/*
 * ticket.c - crm-authd's tickets (ticket.h).
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "broker/ticket.h"
#include "core/crm.h"
#include "core/crypto.h"

#define MAC_HEX (2 * 32)

static int
ticket_mac(const unsigned char *key, const char *purpose, const char *user,
	   int64_t expiry, char hex[MAC_HEX + 1])
{
	unsigned char msg[16 + 2 * CRM_NAME_MAX + 32];
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	int n, i;

	n = snprintf((char *)msg, sizeof(msg), "%s%c%s%c%" PRId64, purpose,
		     0, user, 0, expiry);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return CRM_INVALID;
	if (HMAC(EVP_sha256(), key, CRM_TICKET_KEY_LEN, msg, (size_t)n, mac,
		 &maclen) == NULL || maclen != 32)
		return CRM_ECRYPTO;
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", mac[i]);
	crm_cleanse(mac, sizeof(mac));
	return CRM_OK;
}

int
crm_ticket_make(const unsigned char *key, const char *purpose,
		const char *user, int64_t now_s, char *out, size_t outlen)
{
	char hex[MAC_HEX + 1];
	int64_t expiry = now_s + CRM_TICKET_LIFE;
	int rc, n;

	rc = ticket_mac(key, purpose, user, expiry, hex);
	if (rc != CRM_OK)
		return rc;
	n = snprintf(out, outlen, "%s.%" PRId64 ".%s", purpose, expiry, hex);
	return n > 0 && (size_t)n < outlen ? CRM_OK : CRM_INVALID;
}

int
crm_ticket_valid(const unsigned char *key, const char *purpose,
		 const char *user, const char *ticket, int64_t now_s)
{
	char hex[MAC_HEX + 1];
	size_t plen = strlen(purpose);
	const char *p, *dot;
	char *end;
	long long expiry;

	if (user == NULL || ticket == NULL ||
	    strncmp(ticket, purpose, plen) != 0 || ticket[plen] != '.')
		return 0;
	p = ticket + plen + 1;
	dot = strchr(p, '.');
	if (dot == NULL || dot == p || dot - p > 19)
		return 0;
	expiry = strtoll(p, &end, 10);
	if (end != dot || expiry < now_s || expiry > now_s + CRM_TICKET_LIFE)
		return 0;
	if (strlen(dot + 1) != MAC_HEX ||
	    ticket_mac(key, purpose, user, expiry, hex) != CRM_OK)
		return 0;
	return crm_equal(hex, dot + 1, MAC_HEX);
}
