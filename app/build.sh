#!/bin/sh
# Compiles the companyNews app, runs its journal tests and packages it, with nothing but a JDK 17 and the Debian
# jars of libjetty9-java and libservlet-api-java. A failing test fails this script (and so the image build).
#   app/build.sh [OUT]      OUT defaults to app/build; the result is OUT/dist/{companynews.war,launcher.jar}
set -eu
APP=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$APP/build}
JARS=${JETTY_JARS:-/usr/share/java}

JETTY_CP=""
for j in servlet-api jetty9-server jetty9-http jetty9-io jetty9-util jetty9-servlet jetty9-security jetty9-webapp \
         jetty9-xml; do
    [ -f "$JARS/$j.jar" ] || { echo "build.sh: missing $JARS/$j.jar" >&2; exit 1; }
    JETTY_CP="$JETTY_CP${JETTY_CP:+:}$JARS/$j.jar"
done

rm -rf "$OUT"
mkdir -p "$OUT/classes" "$OUT/test-classes" "$OUT/launcher" "$OUT/war/WEB-INF/classes" "$OUT/dist"

javac --release 17 -Xlint:all,-try -Werror -encoding UTF-8 -cp "$JARS/servlet-api.jar" -d "$OUT/classes" \
    $(find "$APP/src/main/java" -name '*.java')
javac --release 17 -Xlint:all -encoding UTF-8 -cp "$OUT/classes:$JARS/servlet-api.jar" -d "$OUT/test-classes" \
    $(find "$APP/src/test/java" -name '*.java')
javac --release 17 -Xlint:all,-serial -encoding UTF-8 -cp "$JETTY_CP" -d "$OUT/launcher" \
    $(find "$APP/src/launcher/java" -name '*.java')

java -cp "$OUT/classes:$OUT/test-classes:$JARS/servlet-api.jar" news.JournalTest

cp -R "$APP/src/main/webapp/." "$OUT/war/"
cp -R "$OUT/classes/." "$OUT/war/WEB-INF/classes/"
jar --create --file "$OUT/dist/companynews.war" -C "$OUT/war" .
jar --create --file "$OUT/dist/launcher.jar" --main-class news.launcher.Main -C "$OUT/launcher" .
echo "build.sh: built $OUT/dist/companynews.war and $OUT/dist/launcher.jar"
