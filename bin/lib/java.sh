# shellcheck shell=bash
# Tool look-up shared by bin/krest and bin/test; source it, then call krest_use_jdk and krest_require_mvn.
#
#   krest_use_jdk       exports JAVA_HOME and PATH for a JDK >= KREST_MIN_JAVA (21): $JAVA_HOME when it is new
#                       enough, else the newest one under ${KREST_JVM_DIR:-/usr/lib/jvm}/*. A `java` that is only on
#                       PATH is not considered, so the choice never depends on PATH order. Exits 1 with one line on
#                       stderr when there is none.
#   krest_require_mvn   exits 1 with one line on stderr when `mvn` is not on PATH.
#   krest_java_version  prints the version string of a java binary: 17.0.15, 25.0.3, 21, 1.8.0_392.

KREST_MIN_JAVA=21

krest_java_version() {
  local out
  out=$("$1" -version 2>&1) || return 1
  # First line of `java -version` is `openjdk version "25.0.3" 2026-04-21 LTS` (or `java version "21"`).
  out=$(printf '%s\n' "$out" | sed -n 's/^.* version "\([^"]*\)".*$/\1/p' | head -n 1)
  [[ -n $out ]] || return 1
  printf '%s\n' "$out"
}

# Feature release of a version string: 25.0.3 -> 25, 21 -> 21, 21-ea -> 21, 1.8.0_392 -> 8.
krest_java_major() {
  local v=$1 major
  [[ $v == 1.* ]] && v=${v#1.}
  major=${v%%[!0-9]*}
  [[ -n $major ]] || return 1
  printf '%s\n' "$((10#$major))"
}

# True when version $1 sorts after version $2 (25.0.3 > 25.0.1 > 25 > 21.0.9).
krest_version_newer() {
  [[ $1 != "$2" && $(printf '%s\n%s\n' "$1" "$2" | sort -V | tail -n 1) == "$1" ]]
}

krest_use_jdk() {
  local min=$KREST_MIN_JAVA jvm_dir=${KREST_JVM_DIR:-/usr/lib/jvm}
  local home version major real best='' best_version='' seen=' ' found=()

  if [[ -n ${JAVA_HOME:-} ]]; then
    if [[ -x $JAVA_HOME/bin/java ]] && version=$(krest_java_version "$JAVA_HOME/bin/java") \
        && major=$(krest_java_major "$version"); then
      if ((major >= min)); then
        best=$JAVA_HOME
      else
        found+=("JAVA_HOME=$JAVA_HOME is $version")
      fi
    else
      found+=("JAVA_HOME=$JAVA_HOME has no working bin/java")
    fi
  fi

  if [[ -z $best ]]; then
    for home in "$jvm_dir"/*; do
      [[ -x $home/bin/java ]] || continue
      # Debian links java-1.17.0-openjdk-amd64 -> java-17-openjdk-amd64: look at each JDK once.
      real=$(cd "$home" && pwd -P) || continue
      [[ $seen == *" $real "* ]] && continue
      seen+="$real "
      version=$(krest_java_version "$home/bin/java") || continue
      major=$(krest_java_major "$version") || continue
      if ((major < min)); then
        found+=("$home is $version")
      elif [[ -z $best ]] || krest_version_newer "$version" "$best_version"; then
        best=$home
        best_version=$version
      fi
    done
  fi

  if [[ -z $best ]]; then
    [[ $seen == ' ' ]] && found+=("no JDK in $jvm_dir")
    local list
    list=$(printf '%s; ' "${found[@]}")
    list=${list%; }
    echo "krest: needs a JDK $min or newer; set JAVA_HOME (found: $list)" >&2
    exit 1
  fi
  export JAVA_HOME=$best
  export PATH="$JAVA_HOME/bin:$PATH"
}

krest_require_mvn() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "krest: needs Maven 3.8 or newer (mvn) on PATH to build; install it, e.g. apt-get install maven" >&2
    exit 1
  fi
}
