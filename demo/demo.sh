#!/bin/sh
# The pam-crm demonstration: real logins through the real modules and the
# pam.d/crm stack, on a throw-away database.  Needs no root and touches
# nothing in /etc: crm-login reads the service from a private directory.
#
#   make demo            (or: sh demo/demo.sh BUILDDIR)
set -eu

top=$(cd "${1:-.}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
crmauth=$top/tools/crmauth/crmauth
login=$top/tools/crm-login/crm-login
for f in "$crmauth" "$login" \
	 "$top/modules/pam_crm_lockout/.libs/pam_crm_lockout.so" \
	 "$top/modules/pam_crm_passwd/.libs/pam_crm_passwd.so" \
	 "$top/modules/pam_crm_totp/.libs/pam_crm_totp.so" \
	 "$top/modules/pam_crm_access/.libs/pam_crm_access.so" \
	 "$top/modules/pam_crm_role/.libs/pam_crm_role.so"; do
	[ -x "$f" ] || [ -f "$f" ] || { echo "demo: $f missing: run make first" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/pam-crm-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
conf=$work/pam_crm.conf

# nodelay only to keep the demonstration short: by default a refused
# login waits two seconds, as with pam_faillock.
cat > "$conf" <<CONF
[global]
db = $work/crm.db
keyfile = $work/pam_crm.key

[lockout]
deny = 5
unlock_time = 600
nodelay = yes

[totp]
nodelay = yes

# On a server: /var/lib/extrausers, read by libnss-extrausers.
[crmauth]
extrausers_dir = $work/extrausers
CONF
mkdir "$work/extrausers"

mkdir "$work/pam.d"
# The shipped pam.d/crm, with the modules of this build tree.
sed -e "s#\([^/]\)pam_crm_\([a-z]*\)\.so#\1$top/modules/pam_crm_\2/.libs/pam_crm_\2.so conf=$conf#" \
	"$src/pam.d/crm" > "$work/pam.d/crm"
# The same for the shipped pam.d/crm-kiosk (pam_crm_access first).
sed -e "s#\([^/]\)pam_crm_\([a-z]*\)\.so#\1$top/modules/pam_crm_\2/.libs/pam_crm_\2.so conf=$conf#" \
	"$src/pam.d/crm-kiosk" > "$work/pam.d/crm-kiosk"
# And pam.d/crm-switch (switching accounts without logging out).
sed -e "s#\([^/]\)pam_crm_\([a-z]*\)\.so#\1$top/modules/pam_crm_\2/.libs/pam_crm_\2.so conf=$conf#" \
	"$src/pam.d/crm-switch" > "$work/pam.d/crm-switch"

step() { printf '\n==> %s\n' "$*"; }
show() { printf '$ %s\n' "$*" | sed "s#$top/tools/[a-z-]*/##; s#$work#\$DEMO#g"; }
admin() { show "crmauth $*"; "$crmauth" --conf "$conf" "$@"; }
try_login() {
	user=$1 password=$2 rhost=$3
	show "echo '<password>' | crm-login --stdin -r $rhost $user"
	printf '%s\n' "$password" |
		"$login" --stdin --confdir "$work/pam.d" -r "$rhost" "$user" 2>&1 |
		grep -v '^Password: *$' || true
}
# A login that answers the password and then the TOTP code: crm-login
# --stdin reads one line per prompt, in the order the stack asks.
try_login_code() {
	user=$1 password=$2 code=$3 rhost=$4
	show "printf '<password>\\n$code\\n' | crm-login --stdin -r $rhost $user"
	printf '%s\n%s\n' "$password" "$code" |
		"$login" --stdin --confdir "$work/pam.d" -r "$rhost" "$user" 2>&1 |
		grep -v '^Password: *$' | grep -v '^Verification code: *$' || true
}

# The signed-in user FROM switches to USER (no password answered: a
# reauth switch is refused for want of one).
try_switch() {
	from=$1 user=$2
	show "crm-login -s crm-switch --switch-from $from -r 203.0.113.10 $user"
	"$login" --stdin --confdir "$work/pam.d" -s crm-switch \
		--switch-from "$from" -r 203.0.113.10 "$user" </dev/null 2>&1 |
		grep -v '^Password: *$' || true
}

step "An administrator creates the database, the key, a role and two users"
admin init
# pam.d/crm starts with pam_crm_access (default deny): the web service
# is open to everyone from anywhere, to be narrowed later.
admin allow add allow '*' '*' --service crm
admin role add sales --scope department
show "echo '<password>' | crmauth user add alice --dept sales --role sales --password-stdin"
echo 'Alice-Correct-Horse-7' | "$crmauth" --conf "$conf" user add alice \
	--dept sales --role sales --password-stdin
show "echo '<password>' | crmauth user add bob --dept support --password-stdin"
echo 'Bob-Battery-Staple-8' | "$crmauth" --conf "$conf" user add bob \
	--dept support --password-stdin
admin user list

step "alice logs in with her password (service crm, from 203.0.113.10)"
try_login alice 'Alice-Correct-Horse-7' 203.0.113.10

step "Someone tries five wrong passwords for alice: the fifth locks the account"
for i in 1 2 3 4 5; do
	try_login alice "guess-$i" 198.51.100.66
done

step "Even the right password is refused while the account is locked"
try_login alice 'Alice-Correct-Horse-7' 203.0.113.10

step "An unknown user gets the same answer as a wrong password"
try_login mallory 'guess' 198.51.100.66

step "The administrator looks, then resets the lock"
admin lockout show
admin lockout reset alice

step "alice logs in again"
try_login alice 'Alice-Correct-Horse-7' 203.0.113.10

step "The administrator enrols alice in TOTP: a QR code for her app, its URI, recovery codes"
if command -v oathtool >/dev/null 2>&1; then
	# Captured, so the QR comes as plain blocks; on a terminal crmauth
	# draws it in fixed colours.
	admin totp enroll alice > "$work/enroll.txt"
	cat "$work/enroll.txt"
	secret=$(sed -n 's/^otpauth:.*[?&]secret=\([A-Z2-7]*\).*/\1/p' "$work/enroll.txt")

	step "alice's app shows the current code (here: oathtool, from the URI's secret)"
	show "oathtool --totp --base32 <secret from the URI>"
	code=$(oathtool --totp --base32 "$secret")
	echo "$code"

	step "alice logs in with her password and the code (the first code confirms the enrolment)"
	try_login_code alice 'Alice-Correct-Horse-7' "$code" 203.0.113.10

	step "Someone who saw that code tries it again: a code is accepted once"
	try_login_code alice 'Alice-Correct-Horse-7' "$code" 198.51.100.66
	admin audit --user alice --event totp_replay
	# The refused replay counted as a failure; clear it for what follows.
	admin lockout reset alice
else
	echo "(oathtool not installed: TOTP steps skipped)"
fi

# A login through pam.d/crm-kiosk: the password, then the TOTP code when
# alice is enrolled (above).  A login the rules refuse is refused before
# any prompt, so the answers are simply not read.
try_kiosk() {
	rhost=$1
	if [ -n "${secret:-}" ]; then
		# The next step's code: the current one may be used already,
		# and window=1 accepts the next.
		code=$(oathtool --totp --base32 -N "$(date -u -d '+30 seconds' '+%Y-%m-%d %H:%M:%S UTC')" "$secret")
		show "printf '<password>\\n$code\\n' | crm-login --stdin -s crm-kiosk -r $rhost alice"
		answers=$(printf '%s\n%s' 'Alice-Correct-Horse-7' "$code")
	else
		show "echo '<password>' | crm-login --stdin -s crm-kiosk -r $rhost alice"
		answers='Alice-Correct-Horse-7'
	fi
	printf '%s\n' "$answers" |
		"$login" --stdin --confdir "$work/pam.d" -s crm-kiosk -r "$rhost" alice 2>&1 |
		grep -v '^Password: *$' | grep -v '^Verification code: *$' || true
}

# An hour-long window that begins two hours from now (local time, as the
# rules read it without tz=): it does not hold the present moment.
hour=$(date +%H)
start=$(( (${hour#0} + 2) % 24 ))
end=$(( start + 1 ))
hours=$(printf '%02d:00-%02d:00' "$start" "$end")

step "Access rules (pam_crm_access): alice from 203.0.113.0/24, but only $hours"
admin allow add allow user:alice 203.0.113.0/24 --hours "$hours"
admin allow list

step "alice tries the kiosk service from 198.51.100.66: no rule allows that address"
try_kiosk 198.51.100.66
admin allow test alice 198.51.100.66 --service crm-kiosk || true

step "From 203.0.113.10, outside $hours: refused at this time, before any prompt"
try_kiosk 203.0.113.10
admin allow test alice 203.0.113.10 --service crm-kiosk || true

step "The administrator adds a rule without hours; the first rule that matches decides"
admin allow add allow user:alice 203.0.113.0/24
admin allow list
admin allow test alice 203.0.113.10 --service crm-kiosk
try_kiosk 203.0.113.10
admin audit --user alice --event access_denied

step "bob gets a login shell for SSH and the kiosk: crmauth writes him into libnss-extrausers' files"
admin user set bob --login-shell /bin/sh
show "cat \$DEMO/extrausers/passwd    # on a server: /var/lib/extrausers/passwd"
sed "s#$work#\$DEMO#g" "$work/extrausers/passwd"
admin user disable bob
show "cat \$DEMO/extrausers/passwd    # a disabled account is out of NSS"
cat "$work/extrausers/passwd"
admin user enable bob

step "Roles for the front end: nested departments, permissions, a template"
admin dept add sales
admin dept add east --parent sales
admin role add manager --scope department --perm report.read --perm lead.read
admin template add exports --perm export.csv
admin template apply manager exports
show "echo '<password>' | crmauth user add mia --dept east --role manager --role sales --password-stdin"
echo 'Mia-Correct-Horse-9' | "$crmauth" --conf "$conf" user add mia \
	--dept east --role manager --role sales --password-stdin
admin allow add allow user:mia 203.0.113.0/24
try_login mia 'Mia-Correct-Horse-9' 203.0.113.10

step "A disabled account is refused, and the front end is told why (CRM_STATUS)"
admin user disable mia
try_login mia 'Mia-Correct-Horse-9' 203.0.113.10
admin user enable mia

step "bob (support) may \"log in as\" sales users without their password"
admin role add support --scope company
admin role grant bob support
admin allow add allow '*' '*' --service crm-switch
admin switch allow role:support role:sales --trust
admin switch list
try_switch bob alice

step "mia is a manager too, which bob is not: the escalation guard refuses"
try_switch bob mia

step "The session now on alice was switched from bob: back to bob, no rule needed"
try_switch alice bob
admin audit --event switch_ok

step "The roles, their permissions and the switch rules, exported for a backup (no secrets)"
show "crmauth export > backup.json    # the \"roles\" and \"switch_rules\" parts:"
"$crmauth" --conf "$conf" export > "$work/backup.json"
sed -n '/^  "roles": \[/,/^  \],/p; /^  "switch_rules": \[/,/^  \],/p' \
	"$work/backup.json"
# Restored into a new database (its own key: without secrets nothing in
# the document is bound to a key), then exported again.
printf '[global]\ndb = %s/restored.db\nkeyfile = %s/restored.key\n[crmauth]\nextrausers_dir = %s/restored-extrausers\n' \
	"$work" "$work" "$work" > "$work/restored.conf"
mkdir "$work/restored-extrausers"
show "crmauth --conf restored.conf init && crmauth --conf restored.conf import backup.json"
"$crmauth" --conf "$work/restored.conf" init >/dev/null
"$crmauth" --conf "$work/restored.conf" import "$work/backup.json"
show "crmauth --conf restored.conf export | cmp - backup.json && echo identical"
"$crmauth" --conf "$work/restored.conf" export | cmp - "$work/backup.json" &&
	echo identical

step "carol's first password is temporary: at her first login she must choose one, under the policy"
show "echo '<password>' | crmauth user add carol --dept sales --password-stdin"
echo 'Carol-Temporary-Pass-3' | "$crmauth" --conf "$conf" user add carol \
	--dept sales --password-stdin
admin user expire carol
# Her answers, one a line: the temporary password (to log in, then as
# the current one), a weak new one, then a strong one twice.
show "printf '<temporary>\\n<temporary>\\ncarol2024\\n<new>\\n<new>\\n' | crm-login --stdin -r 203.0.113.10 carol"
printf '%s\n' 'Carol-Temporary-Pass-3' 'Carol-Temporary-Pass-3' carol2024 \
	'Maple-Orbit-Lantern-58' 'Maple-Orbit-Lantern-58' |
	"$login" --stdin --confdir "$work/pam.d" -r 203.0.113.10 carol 2>&1 || true
step "carol logs in with the password she chose"
try_login carol 'Maple-Orbit-Lantern-58' 203.0.113.10
admin audit --user carol --event password_rejected
admin audit --user carol --event password_changed

step "The audit trail, and its HMAC chain"
admin audit
admin audit verify

step "Someone edits a row in the database file: the chain shows it"
show "sqlite3 \$DEMO/crm.db \"UPDATE audit SET result = 'ok' WHERE event = 'locked'\""
if command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 "$work/crm.db" "DROP TRIGGER audit_append_only;
		UPDATE audit SET result = 'ok' WHERE event = 'locked';"
	admin audit verify || true
else
	echo "(sqlite3 not installed: step skipped)"
fi
printf '\nDemonstration complete.\n'
