#!/bin/sh
# The official image's redis-server has protected mode off; Debian's is built with it on, which refuses clients on
# other hosts (here: the krest containers) when no password is set.
if [ "${1:-}" = redis-server ]; then
    shift
    set -- redis-server --protected-mode no "$@"
fi
exec "$@"
