package org.h2cl.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A SPARK_HOME laid out as Apache's Spark distribution is: {@code jars/} with Spark's own jars
 * (from Maven, by {@code src/test/spark-dist/pom.xml}), {@code bin/spark-class} and {@code
 * bin/spark-submit} doing what the distribution's do (Spark's launcher, {@code
 * org.apache.spark.launcher.Main}, builds the JVM's command), and a {@code RELEASE} file, which
 * tells the launcher to take its class path from {@code jars/}. The jars are copied once per build
 * folder.
 */
final class SparkDistribution {

  /** What the distribution's bin/spark-class does, without its checks for a build tree. */
  private static final String SPARK_CLASS =
      """
      #!/usr/bin/env bash
      set -e
      export SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.12}"
      RUNNER="${JAVA_HOME:+$JAVA_HOME/bin/}java"
      LAUNCH_CLASSPATH="$SPARK_HOME/jars/*"
      # The launcher prints the command NUL-separated, then its own exit code.
      build_command() {
        "$RUNNER" -Xmx128m -cp "$LAUNCH_CLASSPATH" org.apache.spark.launcher.Main "$@"
        printf "%d\\0" $?
      }
      # Lines the launcher wants shown, up to an empty one (its NUL), then the command.
      CMD=()
      DELIM=$'\n'
      STARTED=false
      while IFS= read -d "$DELIM" -r ARG; do
        if $STARTED; then
          CMD+=("$ARG")
        elif [ -z "$ARG" ]; then
          DELIM=''
          STARTED=true
        else
          echo "$ARG"
        fi
      done < <(build_command "$@")
      LAST=$((${#CMD[@]} - 1))
      LAUNCHER_EXIT_CODE=${CMD[$LAST]}
      if [ "$LAUNCHER_EXIT_CODE" != 0 ]; then exit "$LAUNCHER_EXIT_CODE"; fi
      CMD=("${CMD[@]:0:$LAST}")
      exec "${CMD[@]}"
      """;

  private static final String SPARK_SUBMIT =
      """
      #!/usr/bin/env bash
      export SPARK_HOME="${SPARK_HOME:-$(cd "$(dirname "$0")/.." && pwd)}"
      exec "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.SparkSubmit "$@"
      """;

  /** Spark's INFO is noise here; its WARN and ERROR stay in each JVM's log. */
  private static final String LOG4J =
      """
      rootLogger.level = warn
      rootLogger.appenderRef.stderr.ref = console
      appender.console.type = Console
      appender.console.name = console
      appender.console.target = SYSTEM_ERR
      appender.console.layout.type = PatternLayout
      appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
      logger.h2.name = org.h2cl
      logger.h2.level = info
      logger.master.name = org.apache.spark.deploy
      logger.master.level = info
      """;

  private SparkDistribution() {}

  /** The distribution under {@code target/spark-dist}, made when missing. */
  static synchronized Path home() throws IOException, InterruptedException {
    Path home = Path.of("target/spark-dist").toAbsolutePath();
    Path done = home.resolve("RELEASE");
    // The scripts as this version of the test writes them; the jars (200 MB) once.
    executable(home.resolve("bin/spark-class"), SPARK_CLASS);
    executable(home.resolve("bin/spark-submit"), SPARK_SUBMIT);
    Files.createDirectories(home.resolve("conf"));
    Files.writeString(home.resolve("conf/log4j2.properties"), LOG4J);
    if (Files.exists(done)) {
      return home;
    }
    Path jars = home.resolve("jars");
    String repo = System.getProperty("maven.repo.local");
    List<String> mvn =
        new java.util.ArrayList<>(
            List.of(
                "mvn",
                "-B",
                "-q",
                "-f",
                Path.of("src/test/spark-dist/pom.xml").toAbsolutePath().toString(),
                "dependency:copy-dependencies",
                "-DoutputDirectory=" + jars,
                "-Dspark.version=" + System.getProperty("spark.version", "3.5.3"),
                "-Dscala.version=" + System.getProperty("scala.version", "2.12.18")));
    if (repo != null) {
      mvn.add("-Dmaven.repo.local=" + repo);
    }
    Process p = new ProcessBuilder(mvn).inheritIO().start();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("could not copy Spark's jars: " + String.join(" ", mvn));
    }
    Files.writeString(
        done, "Spark " + System.getProperty("spark.version", "3.5.3") + " built for tests\n");
    return home;
  }

  private static void executable(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }
}
