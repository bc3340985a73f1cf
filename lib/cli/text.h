/*
 * text.h - stored strings made safe to show.  What crmauth prints, in a
 * table or in JSON, may come from anyone who could type a user name or
 * write to the database; shown raw it could drive the terminal (escape
 * sequences, C1 controls, text direction overrides) or make the JSON
 * invalid (bytes that are no UTF-8).  For the tools only: modules log
 * through pam_syslog, and names reach them checked (crm_valid_name).
 */
#ifndef CRM_TEXT_H
#define CRM_TEXT_H

/*
 * A copy of s, printable and valid UTF-8: each byte of a malformed
 * sequence or of a character that is not printable (C0, DEL, C1, the
 * bidirectional and line-separator format characters) is written \xNN,
 * and a backslash \\, so that the text shown maps back to the bytes
 * stored.  NULL when out of memory; free() the result.
 */
char *crm_text_printable(const char *s);

#endif
