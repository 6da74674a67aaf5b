#!/usr/bin/env bash
# Runs the whole test suite (unit tests and *IT against the local MariaDB and PostgreSQL) from the repository root.
# As root it first runs scripts/setup-databases.sh (quick when all is in place); otherwise it assumes the servers are
# set up. Extra arguments go to Maven, e.g. scripts/test.sh -pl pipeline-core -am
# As root it also builds the connector images (Maven profile `images`, FROM a base image made from the local JDK by
# scripts/make-base-image.sh, so no registry is needed) and ConnectorImageIT runs them; HSTREAMIO_IMAGES=0 skips that.
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

images=()
if [[ "$(id -u)" == 0 && "${HSTREAMIO_IMAGES:-1}" != 0 ]]; then
  [[ -f target/base-jre.tar ]] || scripts/make-base-image.sh target/base-jre.tar
  images=(-Pimages "-Dimages.base=tar://$root/target/base-jre.tar" -Dhstreamio.images.required=true)
fi

exec mvn -B -ntp verify "${images[@]}" "$@"
