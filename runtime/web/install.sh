#!/bin/sh
# Installs the web application (this folder) as the systemd service refarch-web.service
# and (re)starts it. The web tier's user data runs it as root from the unpacked asset:
#
#   env REFARCH_WEB_STAGE=sandbox REFARCH_WEB_APP_NAME=web \
#       REFARCH_WEB_DB_HOST=... REFARCH_WEB_DB_PORT=5432 REFARCH_WEB_DB_NAME=app \
#       REFARCH_WEB_DB_SECRET_ARN=arn:aws:secretsmanager:... REFARCH_WEB_AWS_REGION=eu-west-1 \
#       sh /var/tmp/refarch-web-release/install.sh
#
# REFARCH_WEB_STAGE and REFARCH_WEB_APP_NAME are optional (the server has defaults);
# each may hold 1 to 64 letters, digits, '.', '_' or '-'. The five database settings
# go together (all, or none: then the page records no visits), each in the character
# set of contract.DatabaseSettings.check; they are checked here because they come
# from the stack at deploy time, after any synth-time check. Idempotent: run it again,
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
APP_FILES="server.py contract.py imds.py sigv4.py secrets_manager.py scram.py pgwire.py postgres.py pool.py visits.py page.py rds-ca-bundle.pem"
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

# refuse NAME: the database setting NAME breaks contract.DatabaseSettings.check's rule.
refuse() {
    case $1 in
        REFARCH_WEB_DB_HOST) die "$1 must be a DNS name: 1 to 253 letters, digits, '.' and '-'" ;;
        REFARCH_WEB_DB_PORT) die "$1 must be a port number, 1 to 65535" ;;
        REFARCH_WEB_DB_NAME) die "$1 must be a database name: a letter, then up to 62 letters, digits and '_'" ;;
        REFARCH_WEB_DB_SECRET_ARN) die "$1 must be a Secrets Manager secret ARN, arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME" ;;
        *) die "$1 must be a region name such as us-east-1" ;;
    esac
}

# check_secret_arn ARN: arn:aws[a-z-]*:secretsmanager:REGION:ACCOUNT:secret:NAME.
check_secret_arn() {
    case $1 in
        *[!A-Za-z0-9:/_+=.@!-]*) refuse REFARCH_WEB_DB_SECRET_ARN ;;
    esac
    saved_ifs=$IFS
    IFS=:
    # shellcheck disable=SC2086 # split on ':' on purpose; no glob character gets here
    set -- $1
    IFS=$saved_ifs
    if [ "$#" -ne 7 ] || [ "$1" != arn ] || [ "$3" != secretsmanager ] || [ "$6" != secret ]; then
        refuse REFARCH_WEB_DB_SECRET_ARN
    fi
    case $2 in
        aws*[!a-z-]*) refuse REFARCH_WEB_DB_SECRET_ARN ;;
        aws*) ;;
        *) refuse REFARCH_WEB_DB_SECRET_ARN ;;
    esac
    case $4 in
        '' | *[!a-z0-9-]*) refuse REFARCH_WEB_DB_SECRET_ARN ;;
    esac
    case $5 in
        [0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) ;;
        *) refuse REFARCH_WEB_DB_SECRET_ARN ;;
    esac
    [ "${#7}" -le 512 ] || refuse REFARCH_WEB_DB_SECRET_ARN
    arn_region=$4
}

# check_database: all five settings or none, each as contract.DatabaseSettings.check wants.
check_database() {
    set -- "REFARCH_WEB_DB_HOST=$db_host" "REFARCH_WEB_DB_PORT=$db_port" "REFARCH_WEB_DB_NAME=$db_name" \
        "REFARCH_WEB_DB_SECRET_ARN=$db_secret_arn" "REFARCH_WEB_AWS_REGION=$aws_region"
    missing=
    for setting in "$@"; do
        case $setting in
            *=) missing="$missing ${setting%=}" ;;
            *) database=yes ;;
        esac
    done
    [ -z "$database" ] || [ -z "$missing" ] || die "the database settings go together:$missing missing"
    [ -n "$database" ] || return 0
    case $db_host in
        [!A-Za-z0-9]* | *[!A-Za-z0-9.-]*) refuse REFARCH_WEB_DB_HOST ;;
    esac
    [ "${#db_host}" -le 253 ] || refuse REFARCH_WEB_DB_HOST
    case $db_port in
        0* | *[!0-9]*) refuse REFARCH_WEB_DB_PORT ;;
    esac
    if [ "${#db_port}" -gt 5 ] || [ "$db_port" -gt 65535 ]; then
        refuse REFARCH_WEB_DB_PORT
    fi
    case $db_name in
        [!A-Za-z]* | *[!A-Za-z0-9_]*) refuse REFARCH_WEB_DB_NAME ;;
    esac
    [ "${#db_name}" -le 63 ] || refuse REFARCH_WEB_DB_NAME
    check_secret_arn "$db_secret_arn"
    case $aws_region in
        *[!a-z0-9-]*) refuse REFARCH_WEB_AWS_REGION ;;
        [a-z]*-*[0-9]) ;;
        *) refuse REFARCH_WEB_AWS_REGION ;;
    esac
    [ "${#aws_region}" -le 32 ] || refuse REFARCH_WEB_AWS_REGION
    [ "$arn_region" = "$aws_region" ] ||
        die "REFARCH_WEB_DB_SECRET_ARN must be a secret in REFARCH_WEB_AWS_REGION ($aws_region)"
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
db_host=${REFARCH_WEB_DB_HOST:-}
db_port=${REFARCH_WEB_DB_PORT:-}
db_name=${REFARCH_WEB_DB_NAME:-}
db_secret_arn=${REFARCH_WEB_DB_SECRET_ARN:-}
aws_region=${REFARCH_WEB_AWS_REGION:-}
database=
check_database

install -d -m 0755 "$root$INSTALL_DIR"
for file in $APP_FILES; do
    install_file "$source_dir/$file" "$root$INSTALL_DIR/$file"
done

install -d -m 0755 "$root$(dirname "$ENVIRONMENT_FILE")"
{
    echo "# Written by $SERVICE_NAME's install.sh; read by $UNIT_NAME."
    echo "REFARCH_WEB_STAGE=$stage"
    echo "REFARCH_WEB_APP_NAME=$app_name"
    if [ -n "$database" ]; then
        echo "REFARCH_WEB_DB_HOST=$db_host"
        echo "REFARCH_WEB_DB_PORT=$db_port"
        echo "REFARCH_WEB_DB_NAME=$db_name"
        echo "REFARCH_WEB_DB_SECRET_ARN=$db_secret_arn"
        echo "REFARCH_WEB_AWS_REGION=$aws_region"
    fi
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
