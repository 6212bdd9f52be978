# Sourced by ./winback and .ci/run: picks a JDK >= 21 even when the machine default is older.
# Order: $JAVA_HOME if new enough, then JDKs under /usr/lib/jvm and /opt (newest first), then `java` on PATH.
winback_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java.specification.version = //p' | head -n1 | cut -d. -f1
}

winback_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* /opt/*jdk* /opt/java/* 2>/dev/null | sort -rV) \
                   "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(winback_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! WINBACK_JDK=$(winback_find_jdk); then
  echo "winback: needs a JDK 21 or newer (set JAVA_HOME, or install one under /usr/lib/jvm)." >&2
  exit 1
fi
export JAVA_HOME="$WINBACK_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
