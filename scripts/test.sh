#!/usr/bin/env bash
# Runs the whole test suite (unit tests and *IT against the local MariaDB and PostgreSQL) from the repository root.
# As root it first runs scripts/setup-databases.sh (quick when all is in place); otherwise it assumes the servers are
# set up. Extra arguments go to Maven, e.g. scripts/test.sh -pl pipeline-core -am
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [[ "${HSTREAMIO_DATABASES_READY:-}" == 1 ]]; then
  echo "test.sh: databases already set up by the caller"
elif [[ "$(id -u)" == 0 ]]; then
  scripts/setup-databases.sh
else
  echo "test.sh: not root, assuming MariaDB and PostgreSQL are set up (else: sudo scripts/setup-databases.sh)"
fi

exec mvn -B -ntp verify "$@"
