#!/bin/sh
# Installs the web application (this folder) as the systemd service refarch-web.service
# and (re)starts it. The web tier's user data runs it as root from the unpacked asset:
#
#   env REFARCH_WEB_STAGE=sandbox REFARCH_WEB_APP_NAME=web sh /var/tmp/refarch-web-release/install.sh
#
# REFARCH_WEB_STAGE and REFARCH_WEB_APP_NAME are optional (the server has defaults);
# each may hold 1 to 64 letters, digits, '.', '_' or '-'. Idempotent: run it again,
# with the same release or a new one, and it replaces the files and restarts the
# service. It needs no network. The names below are contract.py's; tests/runtime/web
# checks that they agree.
#
# DESTDIR (optional): install under this folder instead of /, as for a package or an
# image build; systemctl is still called.
set -eu
umask 022

SERVICE_NAME=refarch-web
UNIT_NAME=refarch-web.service
INSTALL_DIR=/opt/refarch-web
UNIT_PATH=/etc/systemd/system/refarch-web.service
ENVIRONMENT_FILE=/etc/sysconfig/refarch-web
PYTHON=/usr/bin/python3
MIN_PYTHON=3.9
APP_FILES="server.py contract.py"
SETTING_MAX_LENGTH=64

die() {
    echo "install.sh: $*" >&2
    exit 1
}

# check_setting NAME VALUE: empty, or what contract.SETTING_CHARACTERS allows.
check_setting() {
    case $2 in
        *[!A-Za-z0-9._-]*) die "$1 may hold only letters, digits, '.', '_' and '-'" ;;
    esac
    [ "${#2}" -le "$SETTING_MAX_LENGTH" ] || die "$1 is longer than $SETTING_MAX_LENGTH characters"
}

# install_file SOURCE TARGET: copy with mode 0644, replacing TARGET in one rename.
install_file() {
    install -m 0644 "$1" "$2.new"
    mv -f "$2.new" "$2"
}

root=${DESTDIR:-}
if [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then
    die "run it as root"
fi

source_dir=$(cd "$(dirname "$0")" && pwd -P)
for file in $APP_FILES "$UNIT_NAME"; do
    [ -f "$source_dir/$file" ] || die "$source_dir/$file is missing"
done

"$PYTHON" -c "import sys; sys.exit(sys.version_info[:2] < tuple(map(int, '$MIN_PYTHON'.split('.'))))" ||
    die "$SERVICE_NAME needs $PYTHON, Python $MIN_PYTHON or later"

stage=${REFARCH_WEB_STAGE:-}
app_name=${REFARCH_WEB_APP_NAME:-}
check_setting REFARCH_WEB_STAGE "$stage"
check_setting REFARCH_WEB_APP_NAME "$app_name"

install -d -m 0755 "$root$INSTALL_DIR"
for file in $APP_FILES; do
    install_file "$source_dir/$file" "$root$INSTALL_DIR/$file"
done

install -d -m 0755 "$root$(dirname "$ENVIRONMENT_FILE")"
{
    echo "# Written by $SERVICE_NAME's install.sh; read by $UNIT_NAME."
    echo "REFARCH_WEB_STAGE=$stage"
    echo "REFARCH_WEB_APP_NAME=$app_name"
} >"$root$ENVIRONMENT_FILE.new"
chmod 0644 "$root$ENVIRONMENT_FILE.new"
mv -f "$root$ENVIRONMENT_FILE.new" "$root$ENVIRONMENT_FILE"

install -d -m 0755 "$root$(dirname "$UNIT_PATH")"
install_file "$source_dir/$UNIT_NAME" "$root$UNIT_PATH"

systemctl daemon-reload
systemctl enable --quiet "$UNIT_NAME"
# Starts it, or restarts it on the new files; returns once the server listens.
systemctl restart "$UNIT_NAME" || die "$UNIT_NAME did not start: see journalctl -u $UNIT_NAME"
echo "install.sh: $UNIT_NAME installed from $source_dir and running"
