/*
 * prompt.h - asking a person for a secret: one line from a stream, or a
 * prompt on the controlling terminal with echo off.
 *
 * For the tools (crmauth, crm-login) only: while a prompt is up, signal
 * handlers keep the terminal from being left without echo, which a PAM
 * module must never do.  Lines are read a byte at a time, so that no
 * stdio buffer keeps a copy of the secret and nothing past the line is
 * consumed; failed reads leave the buffer cleared.
 */
#ifndef CRM_PROMPT_H
#define CRM_PROMPT_H

#include <stddef.h>

/*
 * CRM_OK: a line (without its newline) is in buf.
 * CRM_NOTFOUND: end of input before any byte.
 * CRM_INVALID: the line does not fit in len - 1 bytes.
 * CRM_ESYS: a read error, no terminal, or a signal (raised again once the
 * terminal is restored).
 */
int crm_read_line(int fd, char *buf, size_t len);
int crm_ask_terminal(const char *prompt, int echo, char *buf, size_t len);

#endif
