# Shared by scripts/test and scripts/bench: find, install and start a throwaway PostgreSQL.
# The caller defines no_postgres REASON (what to do when it can't start), sets pg_tmp, pg_bin,
# pg_port and pg_started=false, optionally pg_extra_options, and stops the server on exit.

# initdb and postgres refuse to run as root, so as root we run them as the
# `postgres` system user (created by the Debian package); otherwise as ourselves.
as_pg() {
    if [[ $EUID -eq 0 ]]; then
        (cd "$pg_tmp" && runuser -u postgres -- "$@")
    else
        (cd "$pg_tmp" && "$@")
    fi
}

# Newest /usr/lib/postgresql/<version>/bin that has pg_ctl (Debian layout; these
# binaries are not on PATH).
find_pg_bin() {
    local v
    v="$(ls -1 /usr/lib/postgresql 2>/dev/null | sort -V | while read -r d; do
            if [[ -x "/usr/lib/postgresql/$d/bin/pg_ctl" ]]; then echo "$d"; fi
         done | tail -n 1)"
    [[ -n "$v" ]] && echo "/usr/lib/postgresql/$v/bin"
    return 0
}

# A currently free TCP port on 127.0.0.1. Python binding port 0 lets the kernel
# choose; without python3 fall back to probing ports with bash's /dev/tcp.
free_port() {
    if command -v python3 >/dev/null 2>&1 &&
       python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null; then
        return 0
    fi
    local p
    for _ in $(seq 1 100); do
        p=$(( 20000 + RANDOM % 40000 ))
        # A failed connect means nobody is listening there.
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# Start a throwaway server; on success sets pg_port and pg_started=true.
start_postgres() {
    if [[ -n "${QUIRE_TEST_PG_BIN:-}" ]]; then
        pg_bin="$QUIRE_TEST_PG_BIN"
    else
        pg_bin="$(find_pg_bin)"
        if [[ -z "$pg_bin" && $EUID -eq 0 ]]; then
            echo "$(basename "$0"): PostgreSQL not found, installing it with apt-get..." >&2
            local apt_log
            apt_log="$(mktemp)"
            if ! { apt-get update -qq &&
                   DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >"$apt_log" 2>&1; then
                tail -n 20 "$apt_log" >&2
                rm -f "$apt_log"
                no_postgres "apt-get install postgresql failed"
                return 0
            fi
            rm -f "$apt_log"
            pg_bin="$(find_pg_bin)"
        fi
    fi
    if [[ -z "$pg_bin" || ! -x "$pg_bin/initdb" || ! -x "$pg_bin/pg_ctl" ]]; then
        no_postgres "no initdb/pg_ctl in ${pg_bin:-/usr/lib/postgresql/*/bin}"
        return 0
    fi
    if [[ $EUID -eq 0 ]] && ! id -u postgres >/dev/null 2>&1; then
        no_postgres "running as root but there is no 'postgres' user to run the server as"
        return 0
    fi

    pg_tmp="$(mktemp -d "${TMPDIR:-/tmp}/quire-pg.XXXXXX")"
    if [[ $EUID -eq 0 ]]; then
        chown postgres: "$pg_tmp"
    fi

    # Trust auth: only reachable on 127.0.0.1 and the socket in our private folder.
    if ! as_pg "$pg_bin/initdb" -D "$pg_tmp/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$pg_tmp/initdb.log" 2>&1; then
        # Some systems lack the C.UTF-8 locale; plain C works everywhere.
        rm -rf "$pg_tmp/data"
        if ! as_pg "$pg_bin/initdb" -D "$pg_tmp/data" -U postgres --auth=trust -E UTF8 --locale=C >"$pg_tmp/initdb.log" 2>&1; then
            tail -n 20 "$pg_tmp/initdb.log" >&2
            no_postgres "initdb failed"
            return 0
        fi
    fi

    # The port is free when chosen but another process could grab it before
    # postgres binds, so retry a few times with a fresh port.
    # pg_extra_options: the caller's settings (tests turn fsync off; benchmarks keep it on), after
    # the defaults here so that they win.
    local attempt
    for attempt in 1 2 3; do
        pg_port="$(free_port)" || break
        if as_pg "$pg_bin/pg_ctl" -D "$pg_tmp/data" -l "$pg_tmp/log" \
                -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories=$pg_tmp -c max_connections=200 ${pg_extra_options:-}" \
                -w start >/dev/null; then
            pg_started=true
            return 0
        fi
    done
    [[ -f "$pg_tmp/log" ]] && tail -n 20 "$pg_tmp/log" >&2
    no_postgres "server did not start"
    return 0
}

